package dev.agentdojo.bus.core;

import dev.agentdojo.bus.AsyncListener;
import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.Listener;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Calls the listeners of one event, each as its kind asks — sync on this thread, blocking off the
 * event loop, async on a duplicated context that carries the event — with the event as the current
 * cause, and collects what failed. It decides nothing about failures: that is {@link FailurePolicy}'s.
 */
final class Dispatcher {

    private final Vertx vertx;
    private final BusMetrics metrics;

    Dispatcher(Vertx vertx, BusMetrics metrics) {
        this.vertx = vertx;
        this.metrics = metrics;
    }

    /**
     * Calls {@code registrations} with {@code event}, in order; returns what happened.
     *
     * @param meters the event's meters, or null when there are none
     * @param slot   this thread's causation slot
     */
    Outcome dispatch(Event event, Registration[] registrations, BusMetrics.PerName meters, Causation.Slot slot) {
        if (registrations.length == 0) {
            return Outcome.NOTHING_RAN;
        }
        int calls = 0;
        Outcome outcome = null; // made only when a call fails or is still running: most emits need none
        for (Registration registration : registrations) {
            if (!registration.claim()) {
                continue;
            }
            calls++;
            switch (registration.kind()) {
                case SYNC -> outcome = callHere(outcome, event, slot, (Listener) registration.listener(), meters);
                case BLOCKING -> outcome = VertxContexts.onEventLoop()
                        ? callOnWorker(outcome, event, (Listener) registration.listener(), meters)
                        : callHere(outcome, event, slot, (Listener) registration.listener(), meters);
                case ASYNC -> outcome = callAsync(outcome, event, (AsyncListener) registration.listener(), meters);
            }
        }
        if (meters != null && calls > 0) {
            meters.delivered.add(calls);
        }
        return outcome != null ? outcome : calls > 0 ? Outcome.RAN : Outcome.NOTHING_RAN;
    }

    private Outcome callHere(Outcome outcome, Event event, Causation.Slot slot, Listener listener,
                             BusMetrics.PerName meters) {
        boolean timed = meters != null && meters.sample();
        long start = timed ? System.nanoTime() : 0;
        try {
            Causation.runAs(slot, event, () -> {
                listener.onEvent(event);
                return null;
            });
            return outcome;
        } catch (Throwable t) {
            return failed(outcome, event, t);
        } finally {
            if (timed) {
                meters.timed(start);
            }
        }
    }

    private Outcome callOnWorker(Outcome outcome, Event event, Listener listener, BusMetrics.PerName meters) {
        CompletableFuture<Throwable> done = timed(meters, new CompletableFuture<>());
        VertxContexts.runOnWorker(() -> Causation.runAs(event, () -> {
            listener.onEvent(event);
            return null;
        }), done);
        return await(outcome, event, done);
    }

    /**
     * Calls the listener on a fresh duplicated Vert.x context that carries the event, on this
     * thread, and subscribes to its Uni there: work the Uni continues later on that context still
     * sees the event as its cause.
     */
    private Outcome callAsync(Outcome outcome, Event event, AsyncListener listener, BusMetrics.PerName meters) {
        AsyncCall call = timed(meters, new AsyncCall());
        VertxContexts.callOnNewContext(vertx, event, () -> Causation.runAs(event, () -> {
            try {
                Uni<?> uni = listener.onEvent(event);
                if (uni == null) {
                    call.complete(null);
                } else {
                    uni.subscribe().withSubscriber(call);
                }
            } catch (Throwable t) {
                rethrowFatal(t);
                call.complete(t);
            }
            return null;
        }));
        return await(outcome, event, call);
    }

    /**
     * One async listener call: subscribes to the listener's {@code Uni} and completes with its
     * failure, or null — one object per call, where a future and a callback subscriber would be three.
     */
    private static final class AsyncCall extends CompletableFuture<Throwable> implements UniSubscriber<Object> {

        @Override
        public void onSubscribe(UniSubscription subscription) {
            // nothing to request: a Uni emits once
        }

        @Override
        public void onItem(Object item) {
            complete(null);
        }

        @Override
        public void onFailure(Throwable failure) {
            complete(failure);
        }
    }

    /** Records the call's duration, until {@code done} completes, when it is one of the timed calls. */
    private static <F extends CompletableFuture<Throwable>> F timed(BusMetrics.PerName meters, F done) {
        if (meters != null && meters.sample()) {
            long start = System.nanoTime();
            done.thenRun(() -> meters.timed(start));
        }
        return done;
    }

    private Outcome await(Outcome outcome, Event event, CompletableFuture<Throwable> done) {
        if (done.isDone()) {
            Throwable failure = done.join();
            return failure == null ? outcome : failed(outcome, event, failure);
        }
        Outcome out = outcome != null ? outcome : new Outcome();
        if (out.pending == null) {
            out.pending = new ArrayList<>(2);
        }
        out.pending.add(done);
        return out;
    }

    private Outcome failed(Outcome outcome, Event event, Throwable t) {
        rethrowFatal(t);
        metrics.failed(event.name());
        Outcome out = outcome != null ? outcome : new Outcome();
        if (out.failures == null) {
            out.failures = new ArrayList<>(1);
        }
        out.failures.add(t);
        return out;
    }

    static void rethrowFatal(Throwable t) {
        if (t instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    /**
     * What one dispatch did. Used by one thread (the emitter's); async and offloaded completions
     * report through their own futures, never through these fields.
     */
    static final class Outcome {

        /** Listeners ran, all done, none failed. */
        static final Outcome RAN = new Outcome();
        /** No listener ran. */
        static final Outcome NOTHING_RAN = new Outcome();

        /** Failures known before dispatch returned, or null. */
        List<Throwable> failures;
        /** Calls still running (async, or on a worker), each completing with its failure or null; or null. */
        List<CompletableFuture<Throwable>> pending;

        private Outcome() {
        }

        /** Whether any listener was called. */
        boolean ran() {
            return this != NOTHING_RAN;
        }
    }
}
