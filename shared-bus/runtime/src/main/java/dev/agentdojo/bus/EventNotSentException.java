package dev.agentdojo.bus;

/**
 * Reports that an event which must cross to other services was not taken by the broker (it is
 * down, or its buffer is full). Carried by the failed {@code Uni} of {@link EventBus#emit}; when
 * thrown by {@code emit} or {@link EventBus#emitSync} themselves, nothing was emitted.
 */
public class EventNotSentException extends RuntimeException {

    private final transient Event event;

    public EventNotSentException(Event event, Throwable cause) {
        super("event '" + event.name() + "' (" + event.id() + ") was not taken by the broker: " + cause.getMessage(), cause);
        this.event = event;
    }

    /** The event that was not sent. */
    public Event event() {
        return event;
    }
}
