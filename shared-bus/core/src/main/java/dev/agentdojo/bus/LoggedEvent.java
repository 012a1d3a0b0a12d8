package dev.agentdojo.bus;

/**
 * An event as the event log holds it.
 *
 * @param instance the instance that sent it ({@code event-bus.bridge.instance-id}); null when it did not say
 */
public record LoggedEvent(Event event, String instance) {
}
