package dev.agentdojo.bus.core;

import dev.agentdojo.bus.Event;

/**
 * Which event the current code is handling, so that an event emitted there records it as its
 * cause.
 *
 * <p>Two carriers, checked in this order: a per-thread slot, set by {@link #runAs} while a listener
 * runs on a thread (sync, blocking, and the call that builds an async listener's {@code Uni}); then
 * the local data of the current Vert.x duplicated context, which the bus creates for each async
 * listener call ({@link VertxContexts#callOnNewContext}), so that code continuing later on that
 * context (a timer, a Vert.x client's callback, a Kafka ack) still knows its cause.
 *
 * <p>The slot is a mutable holder looked up once per thread and call, not a thread-local set and
 * restored around each listener: dispatch to many listeners costs one thread-local lookup.
 */
final class Causation {

    /** The current cause of one thread; only that thread reads or writes it. */
    static final class Slot {
        Event cause;
    }

    private static final ThreadLocal<Slot> SLOT = ThreadLocal.withInitial(Slot::new);

    /** Work run with a cause; may throw what {@code X} allows. */
    @FunctionalInterface
    interface Work<T, X extends Exception> {
        T run() throws X;
    }

    private Causation() {
    }

    /** This thread's slot, for several {@link #runAs} calls in a row. */
    static Slot slot() {
        return SLOT.get();
    }

    /** The event being handled here, or null. */
    static Event current() {
        return current(SLOT.get());
    }

    /** {@link #current()} with this thread's {@link #slot()}, already looked up. */
    static Event current(Slot slot) {
        Event event = slot.cause;
        return event != null ? event : VertxContexts.causeInCurrentContext();
    }

    /** Runs {@code work} with {@code cause} as the current cause on this thread, then restores the previous one. */
    static <T, X extends Exception> T runAs(Event cause, Work<T, X> work) throws X {
        return runAs(SLOT.get(), cause, work);
    }

    /** {@link #runAs(Event, Work)} with this thread's {@link #slot()}, already looked up. */
    static <T, X extends Exception> T runAs(Slot slot, Event cause, Work<T, X> work) throws X {
        Event previous = slot.cause;
        slot.cause = cause;
        try {
            return work.run();
        } finally {
            slot.cause = previous;
        }
    }
}
