package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.Event;
import io.vertx.core.impl.ContextInternal;

/**
 * Which event the current code is handling, so that an event emitted there records it as its
 * cause.
 *
 * <p>Two carriers, checked in this order: a thread-local, set while a listener runs on a thread
 * (sync, blocking, and the call that builds an async listener's {@code Uni}); then the local data
 * of the current Vert.x duplicated context, which the bus creates for each async listener call, so
 * that code continuing later on that context (a timer, a Vert.x client's callback, a Kafka ack)
 * still knows its cause.
 */
final class Causation {

    static final String CONTEXT_KEY = "dev.agentdojo.bus.cause";

    private static final ThreadLocal<Event> CURRENT = new ThreadLocal<>();

    private Causation() {
    }

    /** The event being handled here, or null. */
    static Event current() {
        Event event = CURRENT.get();
        if (event != null) {
            return event;
        }
        ContextInternal context = ContextInternal.current();
        if (context != null && context.isDuplicate()) {
            Object cause = context.getLocal(CONTEXT_KEY);
            return cause instanceof Event e ? e : null;
        }
        return null;
    }

    /** Makes {@code event} the current cause on this thread; returns the previous one for {@link #exit}. */
    static Event enter(Event event) {
        Event previous = CURRENT.get();
        CURRENT.set(event);
        return previous;
    }

    static void exit(Event previous) {
        CURRENT.set(previous);
    }
}
