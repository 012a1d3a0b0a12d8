package dev.agentdojo.bus.impl;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Event ids: version-7 UUIDs (RFC 9562), so ids sort by creation time in logs and storage, with 74
 * random bits per millisecond to stay unique across services without coordination. Uses
 * {@link ThreadLocalRandom}: ids are identifiers, not secrets, and {@code SecureRandom} would cost
 * more than the rest of an emit. The two halves are made here; {@link dev.agentdojo.bus.Event}
 * formats them as a string only when asked.
 */
final class EventIds {

    private EventIds() {
    }

    /** The high half of a new id for an event created at {@code millis} (epoch milliseconds). */
    static long high(long millis, ThreadLocalRandom random) {
        return (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    }

    /** The low half of a new id. */
    static long low(ThreadLocalRandom random) {
        return (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    }
}
