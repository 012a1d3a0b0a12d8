package dev.agentdojo.bus;

/**
 * The handle of one registered listener.
 *
 * <pre>{@code
 * Subscription s = bus.on("user:login", this::audit);
 * ...
 * s.close(); // same as bus.off("user:login", listener)
 * }</pre>
 */
public interface Subscription extends AutoCloseable {

    /** The event name or pattern the listener was registered for. */
    String name();

    /** False once the listener was removed: closed, taken off, or fired as a {@code once} listener. */
    boolean isActive();

    /** Removes the listener. Idempotent; an emit already running may still call it once. */
    @Override
    void close();
}
