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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The in-process {@link EventBus}: who listens ({@link ListenerRegistry}), how they are called
 * ({@link Dispatcher}), what becomes of failures ({@link FailurePolicy}) and where else an event
 * goes ({@link Publication}: the bridge, the history, Vert.x). One per service; the CDI producer
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
    private final Dispatcher dispatcher;
    private final FailurePolicy failures;
    private final Publication publication;
    private final BusMetrics metrics;
    private final EventMaker events;
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
        this.metrics = metrics;
        this.events = new EventMaker(source);
        this.dispatcher = new Dispatcher(vertx, metrics);
        this.failures = new FailurePolicy(this, registry, metrics);
        this.publication = new Publication(vertx, options.historySize());
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
        Causation.Slot slot = Causation.slot();
        Event event = newEvent(name, args, slot);
        BusMetrics.PerName meters = metrics.of(name);
        CompletionStage<?> sent = publication.emitted(event, meters);
        Uni<Void> handled = failures.settle(event, dispatcher.dispatch(event, registry.snapshot(name), meters, slot));
        return sent == null ? handled : handled.chain(() -> awaitWithoutCancelling(sent));
    }

    /**
     * Waits for the send without owning it: Mutiny cancels a completion stage whose Uni is
     * cancelled, and an emitter that stops waiting (an HTTP client hanging up) must not stop the event.
     */
    private static Uni<Void> awaitWithoutCancelling(CompletionStage<?> sent) {
        return Uni.createFrom().completionStage(sent.thenApply(ignored -> (Void) null));
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
        Causation.Slot slot = Causation.slot();
        Event event = newEvent(name, args, slot);
        BusMetrics.PerName meters = metrics.of(name);
        CompletionStage<?> sent = publication.emitted(event, meters);
        if (sent != null) {
            sent.whenComplete((ignored, failure) -> {
                if (failure != null) {
                    LOG.warnf(failure, "Event '%s' (%s) was not handed on to other services", event.name(), event.id());
                }
            });
        }
        Dispatcher.Outcome outcome = dispatcher.dispatch(event, registry.snapshot(name), meters, slot);
        failures.settleNow(event, outcome);
        return outcome.ran();
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

    private Event newEvent(String name, Object[] args, Causation.Slot slot) {
        names.requireEventName(name);
        ensureOpen();
        return events.make(name, args, Causation.current(slot));
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
