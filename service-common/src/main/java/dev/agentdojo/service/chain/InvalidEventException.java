package dev.agentdojo.service.chain;

/**
 * An event from the log that a service will never act on: it cannot be read as the chain event its
 * name says, breaks the chain's rules, or does not answer the request it claims to. The bridge
 * dead-letters it. Its message names the event and what is wrong, never the event's content.
 */
public class InvalidEventException extends IllegalArgumentException {

    private final String reason;

    InvalidEventException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Why, in one word for a metric's tag: {@code unreadable}, {@code invalid} or {@code foreign}. */
    public String reason() {
        return reason;
    }
}
