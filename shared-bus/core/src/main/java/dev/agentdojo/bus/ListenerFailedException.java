package dev.agentdojo.bus;

/**
 * Reports that one or more listeners of an event failed and no listener of {@value EventBus#ERROR}
 * was registered to take the failure. Thrown by {@link EventBus#emitSync} and carried by the failed
 * {@code Uni} of {@link EventBus#emit}, always after every listener has run.
 *
 * <p>The first failure is the {@linkplain #getCause() cause}; any further ones are
 * {@linkplain #getSuppressed() suppressed}.
 */
public class ListenerFailedException extends RuntimeException {

    private final transient Event event;

    public ListenerFailedException(Event event, Throwable cause) {
        super("a listener of '" + event.name() + "' (event " + event.id() + ") failed: " + cause, cause);
        this.event = event;
    }

    /** The event whose listener failed. */
    public Event event() {
        return event;
    }
}
