package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.AsyncListener;
import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventBusOptions;
import dev.agentdojo.bus.Listener;
import dev.agentdojo.bus.StandaloneEventBus;
import dev.agentdojo.bus.Subscription;
import dev.agentdojo.bus.impl.Registration.Kind;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

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
    private final Dispatcher dispatcher;
    private final FailurePolicy failures;
    private final Publication publication;
    private final BusMetrics metrics;
    private final EventAccess.Factory events = EventAccess.factory();
    private volatile boolean closed;

    /**
     * @param vertx     the Vert.x instance whose event bus and contexts to use
     * @param ownsVertx whether {@link #close()} closes {@code vertx}
     */
    public LocalEventBus(Vertx vertx, boolean ownsVertx, EventBusOptions options) {
        this(vertx, ownsVertx, options, BusMetrics.NONE);
    }

    LocalEventBus(Vertx vertx, boolean ownsVertx, EventBusOptions options, BusMetrics metrics) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.source = options.source();
        this.metrics = metrics;
        this.dispatcher = new Dispatcher(vertx, metrics);
        this.failures = new FailurePolicy(this, registry, metrics);
        this.publication = new Publication(vertx, options.historySize());
    }

    // ---- listeners -------------------------------------------------------------------------

    @Override
    public Subscription on(String nameOrPattern, Listener listener) {
        return register(nameOrPattern, listener, Kind.SYNC, false);
    }

    @Override
    public Subscription onAsync(String nameOrPattern, AsyncListener listener) {
        return register(nameOrPattern, listener, Kind.ASYNC, false);
    }

    @Override
    public Subscription onBlocking(String nameOrPattern, Listener listener) {
        return register(nameOrPattern, listener, Kind.BLOCKING, false);
    }

    @Override
    public Subscription once(String nameOrPattern, Listener listener) {
        return register(nameOrPattern, listener, Kind.SYNC, true);
    }

    @Override
    public Subscription onceAsync(String nameOrPattern, AsyncListener listener) {
        return register(nameOrPattern, listener, Kind.ASYNC, true);
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

    /**
     * Every registration, for the Dev UI: name or pattern, kind, once, and the listener as its
     * {@code toString} names it ({@code Bean#method(Param)} for an {@code @OnEvent} method).
     */
    List<Map<String, Object>> listeners() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Registration r : registry.all()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("nameOrPattern", r.name());
            view.put("kind", r.kind().name());
            view.put("once", r.isOnce());
            view.put("listener", describe(r.listener()));
            out.add(view);
        }
        return out;
    }

    private static String describe(Object listener) {
        String text = listener.toString();
        int lambda = text.indexOf("$$Lambda");
        return lambda > 0 ? text.substring(0, lambda) + " (lambda)" : text;
    }

    @Override
    public int listenerCount(String nameOrPattern) {
        return registry.count(EventNames.requireNameOrPattern(nameOrPattern));
    }

    /** Registers any kind of listener; also what {@code @OnEvent} methods are registered with. */
    Subscription register(String nameOrPattern, Object listener, Kind kind, boolean once) {
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

    /**
     * Delivers an event made elsewhere (received from another service) as if emitted here: it is
     * recorded and dispatched, and events its listeners emit name it as their cause. It is not
     * handed to the outbound hooks again. The {@code Uni} fails with a {@link
     * dev.agentdojo.bus.ListenerFailedException} when a listener failed, even when the failure
     * went to the {@code error} listeners: the bridge decides whether to try it again.
     */
    Uni<Void> deliver(Event event) {
        ensureOpen();
        BusMetrics.PerName meters = metrics.of(event.name());
        publication.received(event, meters);
        return dispatchReceived(event, meters);
    }

    /**
     * Delivers a received event again, after its listeners failed for a reason that passes: it is
     * dispatched as {@link #deliver} does, but not recorded or counted again.
     */
    Uni<Void> redeliver(Event event) {
        ensureOpen();
        return dispatchReceived(event, metrics.of(event.name()));
    }

    private Uni<Void> dispatchReceived(Event event, BusMetrics.PerName meters) {
        return failures.settleDelivered(event, dispatcher.dispatch(event, registry.snapshot(event.name()), meters, Causation.slot()));
    }

    /**
     * Adds a hook that sees every event emitted here (not those {@linkplain #deliver delivered})
     * before it is recorded or dispatched: the bridge sends events on with it. The hook returns
     * when the event is safely on its way ({@code null} if it does not take the event); the
     * {@code Uni} of {@link #emit} waits for that too. A hook that throws fails the emit, and the
     * event is neither recorded nor dispatched.
     */
    void addOutboundHook(Function<Event, CompletionStage<?>> hook) {
        publication.addOutboundHook(hook);
    }

    /** Where events go besides their listeners; the extension tells it which Vert.x addresses are consumed. */
    Publication publication() {
        return publication;
    }

    @Override
    public MessageConsumer<Event> vertxConsumer(String name, Handler<Message<Event>> handler) {
        EventNames.requireEventName(name);
        if (handler == null) {
            throw new IllegalArgumentException("handler for '" + name + "' must not be null");
        }
        return publication.vertxConsumer(name, handler);
    }

    private Event newEvent(String name, Object[] args, Causation.Slot slot) {
        EventNames.requireEventName(name);
        ensureOpen();
        // one clock read for id and timestamp, at millisecond precision (see MillisClock for why not the system clock)
        long now = MillisClock.millis();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<Object> values = args == null ? List.of() : Args.copyOf(args);
        return events.create(EventIds.high(now, random), EventIds.low(random), now, name, values, source,
                Causation.current(slot));
    }

    private void ensureOpen() {
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
        return publication.history().snapshot(EventNames.requireEventName(name));
    }

    @Override
    public void clearHistory() {
        publication.history().clear();
    }

    @Override
    public String source() {
        return source;
    }

    BusMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        registry.removeAll();
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
