package dev.agentdojo.bus.impl;

import java.util.concurrent.locks.LockSupport;

/**
 * The epoch milliseconds that stamp events (their timestamp and the time part of their id).
 *
 * <p>{@code System.currentTimeMillis()} costs about 24 ns on this project's machines — a third of
 * an {@code emitSync}. While events are being emitted, a daemon thread ({@value #THREAD_NAME})
 * reads the real clock once per millisecond and emitters read its last reading (a volatile read);
 * a millisecond without a read puts the thread to sleep, so an idle process spends nothing, and
 * the first read after that is the real clock, which wakes the thread. A reading is therefore never
 * ahead of the real clock and, while the thread gets the CPU, at most about a millisecond behind —
 * the precision events are stamped with anyway. On a starved machine it can lag further; ids stay
 * unique regardless (their other 74 bits are random).
 */
final class MillisClock {

    static final String THREAD_NAME = "agent-dojo-events-clock";
    private static final long TICK_NANOS = 1_000_000;

    private static volatile long now = System.currentTimeMillis();
    /** Set by readers, cleared by the ticker each tick: whether anyone read in the last tick. */
    private static volatile boolean used;
    /** Whether the ticker sleeps, so that {@link #now} may be old: readers then take the real clock. */
    private static volatile boolean asleep = true;
    private static Thread ticker; // guarded by MillisClock.class

    private MillisClock() {
    }

    /** The current time in epoch milliseconds, as described above. */
    static long millis() {
        if (asleep) {
            return wake();
        }
        if (!used) {
            used = true; // written once per tick, not on every read: no cache line bouncing between emitters
        }
        return now;
    }

    private static long wake() {
        long t = System.currentTimeMillis();
        synchronized (MillisClock.class) {
            if (asleep) {
                now = t;
                used = true;
                asleep = false;
                if (ticker == null) {
                    ticker = new Thread(MillisClock::tick, THREAD_NAME);
                    ticker.setDaemon(true);
                    ticker.start();
                } else {
                    LockSupport.unpark(ticker);
                }
            }
        }
        return t;
    }

    private static void tick() {
        while (true) {
            LockSupport.parkNanos(TICK_NANOS);
            now = System.currentTimeMillis();
            if (used) {
                used = false;
                continue;
            }
            synchronized (MillisClock.class) {
                if (!used) {
                    asleep = true;
                }
            }
            while (asleep) {
                LockSupport.park(MillisClock.class);
            }
        }
    }

    /** Whether the ticker sleeps; for tests. */
    static boolean isAsleep() {
        return asleep;
    }
}
