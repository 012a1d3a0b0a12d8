package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.AsyncListener;
import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.Listener;
import io.smallrye.mutiny.Uni;
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

    /** Calls {@code registrations} with {@code event}, in order; returns what happened. */
    Outcome dispatch(Event event, Registration[] registrations) {
        Outcome outcome = new Outcome(event);
        for (Registration registration : registrations) {
            if (!registration.claim()) {
                continue;
            }
            outcome.ran = true;
            switch (registration.kind()) {
                case SYNC -> callHere(outcome, (Listener) registration.listener());
                case BLOCKING -> {
                    if (VertxContexts.onEventLoop()) {
                        callOnWorker(outcome, (Listener) registration.listener());
                    } else {
                        callHere(outcome, (Listener) registration.listener());
                    }
                }
                case ASYNC -> callAsync(outcome, (AsyncListener) registration.listener());
            }
        }
        return outcome;
    }

    private void callHere(Outcome outcome, Listener listener) {
        Event event = outcome.event;
        long start = metrics.enabled() ? System.nanoTime() : 0;
        try {
            Causation.runAs(event, () -> {
                listener.onEvent(event);
                return null;
            });
        } catch (Throwable t) {
            outcome.failed(t);
        } finally {
            if (metrics.enabled()) {
                metrics.delivered(event.name(), System.nanoTime() - start);
            }
        }
    }

    private void callOnWorker(Outcome outcome, Listener listener) {
        Event event = outcome.event;
        CompletableFuture<Throwable> done = timed(event, new CompletableFuture<>());
        VertxContexts.runOnWorker(() -> Causation.runAs(event, () -> {
            listener.onEvent(event);
            return null;
        }), done);
        outcome.await(done);
    }

    /**
     * Calls the listener on a fresh duplicated Vert.x context that carries the event, on this
     * thread, and subscribes to its Uni there: work the Uni continues later on that context still
     * sees the event as its cause.
     */
    private void callAsync(Outcome outcome, AsyncListener listener) {
        Event event = outcome.event;
        CompletableFuture<Throwable> done = timed(event, new CompletableFuture<>());
        VertxContexts.callOnNewContext(vertx, event, () -> Causation.runAs(event, () -> {
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
            }
            return null;
        }));
        outcome.await(done);
    }

    /** Records the call's duration, until {@code done} completes, when metrics are on. */
    private CompletableFuture<Throwable> timed(Event event, CompletableFuture<Throwable> done) {
        if (metrics.enabled()) {
            long start = System.nanoTime();
            done.thenRun(() -> metrics.delivered(event.name(), System.nanoTime() - start));
        }
        return done;
    }

    static void rethrowFatal(Throwable t) {
        if (t instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    /**
     * One event's trip through its listeners. Used by one thread (the emitter's); async and
     * offloaded completions report through their own futures, never through these fields.
     */
    final class Outcome {

        final Event event;
        /** Whether any listener was called. */
        boolean ran;
        /** Failures known before dispatch returned, or null. */
        List<Throwable> failures;
        /** Calls still running (async, or on a worker), each completing with its failure or null; or null. */
        List<CompletableFuture<Throwable>> pending;

        private Outcome(Event event) {
            this.event = event;
        }

        private void await(CompletableFuture<Throwable> done) {
            if (done.isDone()) {
                Throwable failure = done.join();
                if (failure != null) {
                    failed(failure);
                }
                return;
            }
            if (pending == null) {
                pending = new ArrayList<>(2);
            }
            pending.add(done);
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
}
