package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.Event;

/**
 * Which event the current code is handling, so that an event emitted there records it as its
 * cause.
 *
 * <p>Two carriers, checked in this order: a thread-local, set by {@link #runAs} while a listener
 * runs on a thread (sync, blocking, and the call that builds an async listener's {@code Uni}); then
 * the local data of the current Vert.x duplicated context, which the bus creates for each async
 * listener call ({@link VertxContexts#callOnNewContext}), so that code continuing later on that
 * context (a timer, a Vert.x client's callback, a Kafka ack) still knows its cause.
 */
final class Causation {

    private static final ThreadLocal<Event> CURRENT = new ThreadLocal<>();

    /** Work run with a cause; may throw what {@code X} allows. */
    @FunctionalInterface
    interface Work<T, X extends Exception> {
        T run() throws X;
    }

    private Causation() {
    }

    /** The event being handled here, or null. */
    static Event current() {
        Event event = CURRENT.get();
        return event != null ? event : VertxContexts.causeInCurrentContext();
    }

    /** Runs {@code work} with {@code cause} as the current cause on this thread, then restores the previous one. */
    static <T, X extends Exception> T runAs(Event cause, Work<T, X> work) throws X {
        Event previous = CURRENT.get();
        CURRENT.set(cause);
        try {
            return work.run();
        } finally {
            CURRENT.set(previous);
        }
    }
}
