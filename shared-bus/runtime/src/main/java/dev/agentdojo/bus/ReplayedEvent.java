package dev.agentdojo.bus;

/**
 * A CDI event fired once for each event already on the event log when a service starts, oldest
 * first, before the service receives new events — so that it can rebuild its state from the log:
 *
 * <pre>{@code
 * void rebuild(@Observes ReplayedEvent replayed) {
 *     Event e = replayed.event();
 *     if (e.name().equals("order:confirmed")) { ... }
 * }
 * }</pre>
 *
 * <p>Replayed events are not emitted again: no listener runs, nothing enters the history or the
 * audit log, nothing is sent. Observers run on the startup thread and may block. Fired only by a
 * bridge with {@code event-bus.bridge.replay=true} (Kafka).
 *
 * @param event the event as it was emitted, by this service or another
 */
public record ReplayedEvent(Event event) {
}
