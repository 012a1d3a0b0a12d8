package dev.agentdojo.bus.core;

import dev.agentdojo.bus.AsyncListener;
import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventBusOptions;
import dev.agentdojo.bus.Listener;
import dev.agentdojo.bus.StandaloneEventBus;
import dev.agentdojo.bus.Subscription;
import dev.agentdojo.bus.names.EventNames;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The in-process {@link EventBus}: who listens ({@link ListenerRegistry}), how they are called
 * ({@link Dispatcher}), what becomes of failures ({@link FailurePolicy}), where else an event
 * goes ({@link Publication}: the bridge, the history, Vert.x), and the way of an emit through them
 * ({@link Emission}). One per service; the CDI producer
 * makes the application's, {@link EventBus#create} a standalone one. See {@link EventBus} for the
 * contract.
 */
public final class LocalEventBus implements StandaloneEventBus {

    private static final Logger LOG = Logger.getLogger(EventBus.class);

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final String source;
    private final ListenerRegistry registry = new ListenerRegistry();
    private final RememberedNames names = new RememberedNames();
    private final Publication publication;
    private final EventMaker events;
    private final Emission emission;
    private final BridgePort bridgePort;
    private volatile boolean closed;

    /**
     * @param vertx     the Vert.x instance whose event bus and contexts to use
     * @param ownsVertx whether {@link #close()} closes {@code vertx}
     */
    public LocalEventBus(Vertx vertx, boolean ownsVertx, EventBusOptions options) {
        this(vertx, ownsVertx, options, BusMetrics.NONE);
    }

    /** Like {@link #LocalEventBus(Vertx, boolean, EventBusOptions)}, with its counters published through {@code metrics}. */
    public LocalEventBus(Vertx vertx, boolean ownsVertx, EventBusOptions options, BusMetrics metrics) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.source = options.source();
        this.events = new EventMaker(source);
        Dispatcher dispatcher = new Dispatcher(vertx, metrics);
        FailurePolicy failures = new FailurePolicy(this, registry, metrics);
        this.publication = new Publication(vertx, options.historySize());
        this.emission = new Emission(this, names, events, registry, dispatcher, failures, publication, metrics);
        this.bridgePort = new BridgePort(this, registry, dispatcher, failures, publication, metrics);
    }

    // ---- listeners -------------------------------------------------------------------------

    @Override
    public Subscription on(String nameOrPattern, Listener listener) {
        return register(nameOrPattern, listener, ListenerKind.SYNC, false);
    }

    @Override
    public Subscription onAsync(String nameOrPattern, AsyncListener listener) {
        return register(nameOrPattern, listener, ListenerKind.ASYNC, false);
    }

    @Override
    public Subscription onBlocking(String nameOrPattern, Listener listener) {
        return register(nameOrPattern, listener, ListenerKind.BLOCKING, false);
    }

    @Override
    public Subscription once(String nameOrPattern, Listener listener) {
        return register(nameOrPattern, listener, ListenerKind.SYNC, true);
    }

    @Override
    public Subscription onceAsync(String nameOrPattern, AsyncListener listener) {
        return register(nameOrPattern, listener, ListenerKind.ASYNC, true);
    }

    @Override
    public boolean off(String nameOrPattern, Listener listener) {
        return unregister(nameOrPattern, listener);
    }

    @Override
    public boolean off(String nameOrPattern, AsyncListener listener) {
        return unregister(nameOrPattern, listener);
    }

    @Override
    public void removeAllListeners(String nameOrPattern) {
        registry.removeAll(EventNames.requireNameOrPattern(nameOrPattern));
    }

    @Override
    public void removeAllListeners() {
        registry.removeAll();
    }

    @Override
    public Set<String> eventNames() {
        return registry.names();
    }

    /** One registration, as the Dev UI shows it. */
    public record ListenerView(String nameOrPattern, ListenerKind kind, boolean once, Object listener) {
    }

    /** Every registration, in the order they were made. */
    public List<ListenerView> listeners() {
        return registry.all().stream().map(r -> new ListenerView(r.name(), r.kind(), r.isOnce(), r.listener())).toList();
    }

    @Override
    public int listenerCount(String nameOrPattern) {
        return registry.count(EventNames.requireNameOrPattern(nameOrPattern));
    }

    /** Registers any kind of listener; also what {@code @OnEvent} methods are registered with. */
    public Subscription register(String nameOrPattern, Object listener, ListenerKind kind, boolean once) {
        EventNames.requireNameOrPattern(nameOrPattern);
        requireListener(nameOrPattern, listener);
        return registry.add(new Registration(registry, nameOrPattern, listener, kind, once));
    }

    private boolean unregister(String nameOrPattern, Object listener) {
        EventNames.requireNameOrPattern(nameOrPattern);
        requireListener(nameOrPattern, listener);
        Registration registration = registry.find(nameOrPattern, listener);
        return registration != null && registry.remove(registration);
    }

    private static void requireListener(String nameOrPattern, Object listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener for '" + nameOrPattern + "' must not be null");
        }
    }

    // ---- emitting --------------------------------------------------------------------------

    @Override
    public Uni<Void> emit(String name, Object... args) {
        return emission.emit(name, args);
    }

    @Override
    public Uni<Void> emitCausedBy(Event cause, String name, Object... args) {
        if (cause == null) {
            throw new IllegalArgumentException("the cause of '" + name + "' must not be null");
        }
        return Causation.runAs(cause, () -> emit(name, args));
    }

    @Override
    public boolean emitSync(String name, Object... args) {
        return emission.emitSync(name, args);
    }

    /** The side of this bus that faces other services: for the bridge. */
    public BridgePort bridgePort() {
        return bridgePort;
    }

    /** Where events go besides their listeners; the extension tells it which Vert.x addresses are consumed. */
    public Publication publication() {
        return publication;
    }

    @Override
    public MessageConsumer<Event> vertxConsumer(String name, Handler<Message<Event>> handler) {
        names.requireEventName(name);
        if (handler == null) {
            throw new IllegalArgumentException("handler for '" + name + "' must not be null");
        }
        return publication.vertxConsumer(name, handler);
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this event bus is closed");
        }
    }

    boolean isClosed() {
        return closed;
    }

    // ---- history ---------------------------------------------------------------------------

    @Override
    public List<Event> getHistory() {
        return publication.history().snapshot();
    }

    @Override
    public List<Event> getHistory(String name) {
        return publication.history().snapshot(names.requireEventName(name));
    }

    @Override
    public void clearHistory() {
        publication.history().clear();
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        registry.removeAll();
        events.close();
        if (ownsVertx) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("Vert.x did not close cleanly", e);
            }
        }
    }

    @Override
    public String toString() {
        return "EventBus[" + source + ", " + registry.names().size() + " names, history " + publication.history().capacity() + "]";
    }
}
