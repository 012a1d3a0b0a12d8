package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.AsyncListener;
import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventBusOptions;
import dev.agentdojo.bus.Listener;
import dev.agentdojo.bus.ListenerFailedException;
import dev.agentdojo.bus.StandaloneEventBus;
import dev.agentdojo.bus.Subscription;
import dev.agentdojo.bus.impl.Registration.Kind;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.impl.ContextInternal;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The in-process {@link EventBus}: registry, dispatch, history and the Vert.x publication of each
 * event. One per service; the CDI producer makes the application's, {@link EventBus#create} a
 * standalone one. See {@link EventBus} for the contract.
 */
public final class LocalEventBus implements StandaloneEventBus {

    private static final Logger LOG = Logger.getLogger(EventBus.class);
    private static final Uni<Void> DONE = Uni.createFrom().voidItem();

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final String source;
    private final ListenerRegistry registry = new ListenerRegistry();
    private final EventHistory history;
    private final io.vertx.core.eventbus.EventBus vertxBus;
    private final DeliveryOptions byReference = new DeliveryOptions().setCodecName(EventCodec.NAME);
    private final List<Function<Event, CompletionStage<?>>> outbound = new CopyOnWriteArrayList<>();
    private final BusMetrics metrics;
    private volatile boolean closed;

    /**
     * @param vertx     the Vert.x instance whose event bus and contexts to use
     * @param ownsVertx whether {@link #close()} closes {@code vertx}
     */
    public LocalEventBus(Vertx vertx, boolean ownsVertx, EventBusOptions options) {
        this(vertx, ownsVertx, options, BusMetrics.NONE);
    }

    LocalEventBus(Vertx vertx, boolean ownsVertx, EventBusOptions options, BusMetrics metrics) {
        this.metrics = metrics;
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.source = options.source();
        this.history = new EventHistory(options.historySize());
        this.vertxBus = vertx.eventBus();
        try {
            vertxBus.registerCodec(new EventCodec());
        } catch (IllegalStateException alreadyRegistered) {
            // another bus on this Vert.x registered it: the codec is stateless, share it
        }
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

    @Override
    public int listenerCount(String nameOrPattern) {
        return registry.count(EventNames.requireNameOrPattern(nameOrPattern));
    }

    private Subscription register(String nameOrPattern, Object listener, Kind kind, boolean once) {
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
        Event event = newEvent(name, args);
        CompletionStage<?> sent = record(event);
        Uni<Void> handled = run(event);
        return sent == null ? handled : handled.chain(() -> Uni.createFrom().completionStage(sent).replaceWithVoid());
    }

    @Override
    public Uni<Void> emitCausedBy(Event cause, String name, Object... args) {
        if (cause == null) {
            throw new IllegalArgumentException("the cause of '" + name + "' must not be null");
        }
        Event previous = Causation.enter(cause);
        try {
            return emit(name, args);
        } finally {
            Causation.exit(previous);
        }
    }

    @Override
    public boolean emitSync(String name, Object... args) {
        Event event = newEvent(name, args);
        CompletionStage<?> sent = record(event);
        if (sent != null) {
            sent.whenComplete((ignored, failure) -> {
                if (failure != null) {
                    LOG.warnf(failure, "Event '%s' (%s) was not handed on to other services", event.name(), event.id());
                }
            });
        }
        Delivery delivery = new Delivery(event);
        delivery.run(registry.snapshot(event.name()));
        if (delivery.pending != null) {
            for (CompletableFuture<Throwable> late : delivery.pending) {
                late.thenAccept(failure -> {
                    if (failure != null) {
                        reportLate(event, failure);
                    }
                });
            }
        }
        if (delivery.failures != null) {
            settleNow(event, delivery.failures);
        }
        return delivery.ran;
    }

    /**
     * Delivers an event made elsewhere (received from another service) as if emitted here: it is
     * recorded and dispatched, and events its listeners emit name it as their cause. It is not
     * handed to the outbound hooks again.
     */
    Uni<Void> deliver(Event event) {
        ensureOpen();
        metrics.received(event.name());
        history.add(event);
        vertxBus.publish(event.name(), event, byReference);
        return run(event);
    }

    /**
     * Adds a hook that sees every event emitted here (not those {@linkplain #deliver delivered})
     * before it is recorded or dispatched: the bridge sends events on with it. The hook returns
     * when the event is safely on its way ({@code null} if it does not take the event); the
     * {@code Uni} of {@link #emit} waits for that too. A hook that throws fails the emit, and the
     * event is neither recorded nor dispatched.
     */
    void addOutboundHook(Function<Event, CompletionStage<?>> hook) {
        outbound.add(hook);
    }

    private Uni<Void> run(Event event) {
        Delivery delivery = new Delivery(event);
        delivery.run(registry.snapshot(event.name()));
        if (delivery.pending == null) {
            return delivery.failures == null ? DONE : settleLater(event, delivery.failures);
        }
        CompletableFuture<?>[] all = delivery.pending.toArray(CompletableFuture[]::new);
        CompletableFuture<List<Throwable>> failures = CompletableFuture.allOf(all).thenApply(ignored -> {
            List<Throwable> out = delivery.failures == null ? new ArrayList<>() : new ArrayList<>(delivery.failures);
            for (CompletableFuture<Throwable> f : delivery.pending) {
                Throwable failure = f.join();
                if (failure != null) {
                    metrics.failed(event.name());
                    out.add(failure);
                }
            }
            return out;
        });
        return Uni.createFrom().completionStage(failures)
                .chain(list -> list.isEmpty() ? DONE : settleLater(event, list));
    }

    private Event newEvent(String name, Object[] args) {
        EventNames.requireEventName(name);
        ensureOpen();
        Event cause = Causation.current();
        // one clock read for id and timestamp; millisecond precision, and much cheaper than Instant.now() here
        long now = System.currentTimeMillis();
        String id = EventIds.next(now);
        Instant timestamp = Instant.ofEpochMilli(now);
        List<Object> values = args == null || args.length == 0
                ? List.of()
                : Collections.unmodifiableList(Arrays.asList(args.clone()));
        return cause == null
                ? new Event(id, name, values, timestamp, source, id, null)
                : new Event(id, name, values, timestamp, source, cause.correlationId(), cause.id());
    }

    /** Hands the event to the outbound hooks, the history and Vert.x; returns what the hooks await, or null. */
    private CompletionStage<?> record(Event event) {
        CompletionStage<?> sent = null;
        for (Function<Event, CompletionStage<?>> hook : outbound) {
            CompletionStage<?> stage = hook.apply(event);
            if (stage != null) {
                sent = sent == null ? stage : sent.thenCombine(stage, (a, b) -> null);
            }
        }
        metrics.emitted(event.name());
        history.add(event);
        vertxBus.publish(event.name(), event, byReference);
        return sent;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this event bus is closed");
        }
    }

    // ---- failures --------------------------------------------------------------------------

    /** Failures found before emitSync returns: to the error listeners, else thrown. */
    private void settleNow(Event event, List<Throwable> failures) {
        if (routesToErrorListeners(event)) {
            Event previous = Causation.enter(event);
            try {
                for (Throwable failure : failures) {
                    emitSync(ERROR, failure, event);
                }
            } finally {
                Causation.exit(previous);
            }
            return;
        }
        throw unhandled(event, failures);
    }

    /** Failures of an emit: to the error listeners (awaited), else a failed Uni. */
    private Uni<Void> settleLater(Event event, List<Throwable> failures) {
        if (routesToErrorListeners(event)) {
            Event previous = Causation.enter(event);
            try {
                List<Uni<Void>> errors = new ArrayList<>(failures.size());
                for (Throwable failure : failures) {
                    errors.add(emit(ERROR, failure, event));
                }
                return Uni.join().all(errors).andCollectFailures().replaceWithVoid();
            } finally {
                Causation.exit(previous);
            }
        }
        return Uni.createFrom().failure(unhandled(event, failures));
    }

    /** A failure of an async listener started by emitSync, which has already returned. */
    private void reportLate(Event event, Throwable failure) {
        metrics.failed(event.name());
        if (routesToErrorListeners(event)) {
            Event previous = Causation.enter(event);
            try {
                emit(ERROR, failure, event);
            } finally {
                Causation.exit(previous);
            }
        } else {
            unhandled(event, List.of(failure));
        }
    }

    private boolean routesToErrorListeners(Event event) {
        return !event.name().equals(ERROR) && !closed && registry.hasListeners(ERROR);
    }

    private static ListenerFailedException unhandled(Event event, List<Throwable> failures) {
        ListenerFailedException e = new ListenerFailedException(event, failures.get(0));
        failures.stream().skip(1).forEach(e::addSuppressed);
        LOG.warnf(e, "%d listener(s) of '%s' failed (event %s) and no '%s' listener is registered",
                failures.size(), event.name(), event.id(), ERROR);
        return e;
    }

    // ---- history ---------------------------------------------------------------------------

    @Override
    public List<Event> getHistory() {
        return history.snapshot();
    }

    @Override
    public List<Event> getHistory(String name) {
        return history.snapshot(EventNames.requireEventName(name));
    }

    @Override
    public void clearHistory() {
        history.clear();
    }

    @Override
    public String source() {
        return source;
    }

    BusMetrics metrics() {
        return metrics;
    }

    /** The Vert.x instance this bus runs on. */
    public Vertx vertx() {
        return vertx;
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
        return "EventBus[" + source + ", " + registry.names().size() + " names, history " + history.capacity() + "]";
    }

    /**
     * One event's trip through its listeners. Used by one thread (the emitter's); async and
     * offloaded completions report through their own futures, never through these fields.
     */
    private final class Delivery {

        private final Event event;
        private boolean ran;
        private List<Throwable> failures;
        private List<CompletableFuture<Throwable>> pending;

        Delivery(Event event) {
            this.event = event;
        }

        void run(Registration[] registrations) {
            for (Registration registration : registrations) {
                if (!registration.claim()) {
                    continue;
                }
                ran = true;
                switch (registration.kind()) {
                    case SYNC -> callHere((Listener) registration.listener());
                    case BLOCKING -> {
                        if (Context.isOnEventLoopThread()) {
                            callOnWorker((Listener) registration.listener());
                        } else {
                            callHere((Listener) registration.listener());
                        }
                    }
                    case ASYNC -> callAsync((AsyncListener) registration.listener());
                }
            }
        }

        private void callHere(Listener listener) {
            long start = metrics.enabled() ? System.nanoTime() : 0;
            Event previous = Causation.enter(event);
            try {
                listener.onEvent(event);
            } catch (Throwable t) {
                failed(t);
            } finally {
                Causation.exit(previous);
                if (metrics.enabled()) {
                    metrics.delivered(event.name(), System.nanoTime() - start);
                }
            }
        }

        private void callOnWorker(Listener listener) {
            CompletableFuture<Throwable> done = timed(new CompletableFuture<>());
            ContextInternal.current().<Void>executeBlocking(() -> {
                Event previous = Causation.enter(event);
                try {
                    listener.onEvent(event);
                    return null;
                } finally {
                    Causation.exit(previous);
                }
            }, false).onComplete(result -> done.complete(result.failed() ? result.cause() : null));
            await(done);
        }

        /**
         * Calls the listener on a fresh duplicated Vert.x context that carries the event, on this
         * thread, and subscribes to its Uni there: work the Uni continues later on that context
         * still sees the event as its cause.
         */
        private void callAsync(AsyncListener listener) {
            CompletableFuture<Throwable> done = timed(new CompletableFuture<>());
            ContextInternal base = ContextInternal.current();
            ContextInternal context = (base != null ? base : (ContextInternal) vertx.getOrCreateContext()).duplicate();
            context.putLocal(Causation.CONTEXT_KEY, event);
            ContextInternal previousContext = context.beginDispatch();
            Event previous = Causation.enter(event);
            try {
                Uni<?> uni = listener.onEvent(event);
                if (uni == null) {
                    done.complete(null);
                } else {
                    uni.subscribe().with(item -> done.complete(null), done::complete);
                }
            } catch (Throwable t) {
                rethrowFatal(t);
                done.complete(t);
            } finally {
                Causation.exit(previous);
                context.endDispatch(previousContext);
            }
            await(done);
        }

        /** Records the call's duration, until {@code done} completes, when metrics are on. */
        private CompletableFuture<Throwable> timed(CompletableFuture<Throwable> done) {
            if (metrics.enabled()) {
                long start = System.nanoTime();
                done.thenRun(() -> metrics.delivered(event.name(), System.nanoTime() - start));
            }
            return done;
        }

        private void await(CompletableFuture<Throwable> done) {
            if (done.isDone() && done.join() != null) {
                failed(done.join());
                return;
            }
            if (!done.isDone()) {
                if (pending == null) {
                    pending = new ArrayList<>(2);
                }
                pending.add(done);
            }
        }

        private void failed(Throwable t) {
            rethrowFatal(t);
            metrics.failed(event.name());
            if (failures == null) {
                failures = new ArrayList<>(1);
            }
            failures.add(t);
        }
    }

    private static void rethrowFatal(Throwable t) {
        if (t instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }
}
