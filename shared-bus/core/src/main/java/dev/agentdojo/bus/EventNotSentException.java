package dev.agentdojo.bus;

/**
 * Reports that an event which must cross to other services was not taken: by the broker, in an
 * application without an {@link EventOutbox} (it sends at emit), or by the outbox (its database did
 * not commit it). Carried by the failed {@code Uni} of {@link EventBus#emit}.
 */
public class EventNotSentException extends RuntimeException {

    private final transient Event event;

    public EventNotSentException(Event event, Throwable cause) {
        super("event '" + event.name() + "' (" + event.id() + ") was not sent: " + cause.getMessage(), cause);
        this.event = event;
    }

    /** The event that was not sent. */
    public Event event() {
        return event;
    }
}
