package dev.agentdojo.bus.impl;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Event ids: version-7 UUIDs (RFC 9562), so ids sort by creation time in logs and storage, with 74
 * random bits per millisecond to stay unique across services without coordination. Uses
 * {@link ThreadLocalRandom}: ids are identifiers, not secrets, and {@code SecureRandom} would cost
 * more than the rest of an emit.
 */
final class EventIds {

    private EventIds() {
    }

    /** A new id for an event created at {@code millis} (epoch milliseconds). */
    static String next(long millis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }
}
