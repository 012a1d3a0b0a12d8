package dev.agentdojo.bus.core;

import dev.agentdojo.bus.Event;

import java.lang.invoke.MethodHandles;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes the events a bus emits: stamped by one read of the bus's {@link MillisClock} (their
 * timestamp and the time part of their id), with its source, a copy of their args and their cause.
 *
 * <p>Ids are version-7 UUIDs (RFC 9562), so ids sort by creation time in logs and storage, with 74
 * random bits per millisecond to stay unique across services without coordination. They use
 * {@link ThreadLocalRandom}: ids are identifiers, not secrets, and {@code SecureRandom} would cost
 * more than the rest of an emit. The two halves are made here; {@link Event} formats them as a
 * string only when asked.
 */
final class EventMaker implements AutoCloseable {

    private final Event.Factory events = Event.factory(MethodHandles.lookup());
    private final MillisClock clock = new MillisClock();
    private final String source;

    EventMaker(String source) {
        this.source = source;
    }

    /** A new event {@code name} with a copy of {@code args}, caused by {@code cause} (null: a root event). */
    Event make(String name, Object[] args, Event cause) {
        long now = clock.millis(); // one clock read for id and timestamp, at millisecond precision
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<Object> values = args == null ? List.of() : Args.copyOf(args);
        return events.create(high(now, random), low(random), now, name, values, source, cause);
    }

    /** The high half of a new id for an event created at {@code millis} (epoch milliseconds). */
    static long high(long millis, ThreadLocalRandom random) {
        return (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    }

    /** The low half of a new id. */
    static long low(ThreadLocalRandom random) {
        return (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    }

    /** Ends the clock's thread. */
    @Override
    public void close() {
        clock.close();
    }
}
