package dev.agentdojo.bus.core;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletionStage;

/**
 * Takes an event emitted here through the bus, on the emitting thread: its name checked, the event
 * made with the event being handled here as its cause ({@link EventMaker}, {@link Causation}),
 * handed to the {@link Publication} (the bridge's outbound hooks, then the history and Vert.x),
 * dispatched to a snapshot of its listeners ({@link Dispatcher}), and its failures settled
 * ({@link FailurePolicy}). A bad name, a closed bus or an outbound hook that throws fails the emit
 * at the call, before any listener runs. Events received from other services take the
 * {@link BridgePort} instead.
 *
 * <p>Thread-safe: it keeps no state of its own.
 */
final class Emission {

    private static final Logger LOG = Logger.getLogger(EventBus.class);

    private final LocalEventBus bus;
    private final RememberedNames names;
    private final EventMaker events;
    private final ListenerRegistry registry;
    private final Dispatcher dispatcher;
    private final FailurePolicy failures;
    private final Publication publication;
    private final BusMetrics metrics;

    Emission(LocalEventBus bus, RememberedNames names, EventMaker events, ListenerRegistry registry, Dispatcher dispatcher,
             FailurePolicy failures, Publication publication, BusMetrics metrics) {
        this.bus = bus;
        this.names = names;
        this.events = events;
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.failures = failures;
        this.publication = publication;
        this.metrics = metrics;
    }

    /** {@link EventBus#emit}: the {@code Uni} completes when every listener has, and the outbound hooks' sends. */
    Uni<Void> emit(String name, Object[] args) {
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

    /** {@link EventBus#emitSync}: returns once the sync listeners ran; a send that fails later is logged. */
    boolean emitSync(String name, Object[] args) {
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

    private Event newEvent(String name, Object[] args, Causation.Slot slot) {
        names.requireEventName(name);
        bus.ensureOpen();
        return events.make(name, args, Causation.current(slot));
    }
}
