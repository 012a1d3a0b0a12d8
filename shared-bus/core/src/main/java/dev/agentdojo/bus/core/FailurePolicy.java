package dev.agentdojo.bus.core;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.ListenerFailedException;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What becomes of listener failures: each is emitted as an {@value EventBus#ERROR} event with args
 * {@code (exception, event)}, caused by the failed event; with no {@value EventBus#ERROR}
 * listener, {@code emitSync} throws and the {@code Uni} of {@code emit} fails with a
 * {@link ListenerFailedException}. A failure of the {@value EventBus#ERROR} listeners themselves is
 * never routed back to them.
 */
final class FailurePolicy {

    private static final Logger LOG = Logger.getLogger(EventBus.class);
    private static final Uni<Void> DONE = Uni.createFrom().voidItem();

    private final LocalEventBus bus;
    private final ListenerRegistry registry;
    private final BusMetrics metrics;

    FailurePolicy(LocalEventBus bus, ListenerRegistry registry, BusMetrics metrics) {
        this.bus = bus;
        this.registry = registry;
        this.metrics = metrics;
    }

    /** The outcome of an {@code emit}: completes when every listener has, failing as described above. */
    Uni<Void> settle(Event event, Dispatcher.Outcome outcome) {
        if (outcome.pending == null && outcome.failures == null) {
            return DONE;
        }
        return failuresOf(event, outcome).chain(list -> list.isEmpty() ? DONE : settleLater(event, list));
    }

    /**
     * The outcome of delivering a received event: as {@link #settle}, except that the {@code Uni}
     * fails with a {@link ListenerFailedException} whenever a listener failed, also after the
     * failures went to the {@value EventBus#ERROR} listeners, so the bridge can retry the event
     * or set it aside instead of acknowledging it as handled.
     */
    Uni<Void> settleDelivered(Event event, Dispatcher.Outcome outcome) {
        if (outcome.pending == null && outcome.failures == null) {
            return DONE;
        }
        return failuresOf(event, outcome).chain(list -> {
            if (list.isEmpty()) {
                return DONE;
            }
            ListenerFailedException failed = failed(event, list);
            return settleLater(event, list).onItemOrFailure().transformToUni((ok, unhandled) -> Uni.createFrom().failure(failed));
        });
    }

    /** Every failure of the emit's listeners, once all have completed. */
    private Uni<List<Throwable>> failuresOf(Event event, Dispatcher.Outcome outcome) {
        if (outcome.pending == null) {
            return Uni.createFrom().item(outcome.failures == null ? List.of() : outcome.failures);
        }
        CompletableFuture<?>[] all = outcome.pending.toArray(CompletableFuture[]::new);
        CompletableFuture<List<Throwable>> failures = CompletableFuture.allOf(all).thenApply(ignored -> {
            List<Throwable> out = outcome.failures == null ? new ArrayList<>() : new ArrayList<>(outcome.failures);
            for (CompletableFuture<Throwable> f : outcome.pending) {
                Throwable failure = f.join();
                if (failure != null) {
                    metrics.failed(event.name());
                    out.add(failure);
                }
            }
            return out;
        });
        return Uni.createFrom().completionStage(failures);
    }

    /**
     * The outcome of an {@code emitSync}: failures known now go to the error listeners or are
     * thrown; those of async listeners still running are reported when they come.
     */
    void settleNow(Event event, Dispatcher.Outcome outcome) {
        if (outcome.pending != null) {
            for (CompletableFuture<Throwable> late : outcome.pending) {
                late.thenAccept(failure -> {
                    if (failure != null) {
                        reportLate(event, failure);
                    }
                });
            }
        }
        if (outcome.failures == null) {
            return;
        }
        if (!routesToErrorListeners(event)) {
            throw unhandled(event, outcome.failures);
        }
        Causation.runAs(event, () -> {
            for (Throwable failure : outcome.failures) {
                bus.emitSync(EventBus.ERROR, failure, event);
            }
            return null;
        });
    }

    private Uni<Void> settleLater(Event event, List<Throwable> failures) {
        if (!routesToErrorListeners(event)) {
            return Uni.createFrom().failure(unhandled(event, failures));
        }
        return Causation.runAs(event, () -> {
            List<Uni<Void>> errors = new ArrayList<>(failures.size());
            for (Throwable failure : failures) {
                errors.add(bus.emit(EventBus.ERROR, failure, event));
            }
            return Uni.join().all(errors).andCollectFailures().replaceWithVoid();
        });
    }

    /** A failure of an async listener started by emitSync, which has already returned. */
    private void reportLate(Event event, Throwable failure) {
        metrics.failed(event.name());
        if (routesToErrorListeners(event)) {
            Causation.runAs(event, () -> bus.emit(EventBus.ERROR, failure, event));
        } else {
            unhandled(event, List.of(failure));
        }
    }

    private static ListenerFailedException failed(Event event, List<Throwable> failures) {
        ListenerFailedException e = new ListenerFailedException(event, failures.get(0));
        failures.stream().skip(1).forEach(e::addSuppressed);
        return e;
    }

    private boolean routesToErrorListeners(Event event) {
        return !event.name().equals(EventBus.ERROR) && !bus.isClosed() && registry.hasListeners(EventBus.ERROR);
    }

    private static ListenerFailedException unhandled(Event event, List<Throwable> failures) {
        ListenerFailedException e = failed(event, failures);
        LOG.warnf(e, "%d listener(s) of '%s' failed (event %s) and no '%s' listener is registered",
                failures.size(), event.name(), event.id(), EventBus.ERROR);
        return e;
    }
}
