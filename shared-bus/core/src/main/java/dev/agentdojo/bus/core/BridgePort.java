package dev.agentdojo.bus.core;

import dev.agentdojo.bus.Event;
import io.smallrye.mutiny.Uni;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The side of a {@link LocalEventBus} that faces other services: the bridge hooks the events
 * emitted here to send them on, and delivers the events it receives.
 */
public final class BridgePort {

    private final LocalEventBus bus;
    private final ListenerRegistry registry;
    private final Dispatcher dispatcher;
    private final FailurePolicy failures;
    private final Publication publication;
    private final BusMetrics metrics;

    BridgePort(LocalEventBus bus, ListenerRegistry registry, Dispatcher dispatcher, FailurePolicy failures,
               Publication publication, BusMetrics metrics) {
        this.bus = bus;
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.failures = failures;
        this.publication = publication;
        this.metrics = metrics;
    }

    /**
     * Delivers an event made elsewhere (received from another service) as if emitted here: it is
     * recorded and dispatched, and events its listeners emit name it as their cause. It is not
     * handed to the outbound hooks again. The {@code Uni} fails with a {@link
     * dev.agentdojo.bus.ListenerFailedException} when a listener failed, even when the failure
     * went to the {@code error} listeners: the bridge decides whether to try it again.
     */
    public Uni<Void> deliver(Event event) {
        bus.ensureOpen();
        BusMetrics.PerName meters = metrics.of(event.name());
        publication.received(event, meters);
        return dispatchReceived(event, meters);
    }

    /**
     * Delivers a received event again, after its listeners failed for a reason that passes: it is
     * dispatched as {@link #deliver} does, but not recorded or counted again.
     */
    public Uni<Void> redeliver(Event event) {
        bus.ensureOpen();
        return dispatchReceived(event, metrics.of(event.name()));
    }

    private Uni<Void> dispatchReceived(Event event, BusMetrics.PerName meters) {
        return failures.settleDelivered(event, dispatcher.dispatch(event, registry.snapshot(event.name()), meters, Causation.slot()));
    }

    /**
     * Adds a hook that sees every event emitted here (not those {@linkplain #deliver delivered})
     * before it is recorded or dispatched: the bridge sends events on with it. The hook returns
     * when the event is safely on its way ({@code null} if it does not take the event); the
     * {@code Uni} of {@link LocalEventBus#emit} waits for that too. A hook that throws fails the emit, and the
     * event is neither recorded nor dispatched.
     */
    public void addOutboundHook(Function<Event, CompletionStage<?>> hook) {
        publication.addOutboundHook(hook);
    }
}
