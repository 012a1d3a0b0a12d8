package dev.agentdojo.bus;

/**
 * An event this service emitted (from this instance or a sibling), read back from the event log by
 * the bridge: proof that it is on the log. The bridge does not deliver such an event to the bus
 * (its listeners ran where it was emitted); it fires this as an asynchronous CDI event instead, and
 * acknowledges the record once the {@code @ObservesAsync} observers have completed. Fired only when
 * an application observes it.
 *
 * <pre>{@code
 * void onLog(@ObservesAsync OwnEventLogged logged) { … logged.event() … }
 * }</pre>
 */
public record OwnEventLogged(Event event) {
}
