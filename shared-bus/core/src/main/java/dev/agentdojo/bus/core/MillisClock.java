package dev.agentdojo.bus.core;

import java.util.concurrent.locks.LockSupport;

/**
 * The epoch milliseconds that stamp a bus's events (their timestamp and the time part of their id).
 *
 * <p>{@code System.currentTimeMillis()} costs about 24 ns on this project's machines — a third of
 * an {@code emitSync} (BENCHMARKS.md: 65 → 44 ns per emit with one listener). While events are
 * being emitted, a daemon thread ({@value #THREAD_NAME}) reads the real clock once per millisecond
 * and emitters read its last reading (a volatile read); a millisecond without a read puts the thread
 * to sleep, so an idle bus spends nothing, and the first read after that is the real clock, which
 * wakes the thread. A reading is therefore never ahead of the real clock and, while the thread gets
 * the CPU, at most about a millisecond behind — the precision events are stamped with anyway. On a
 * starved machine it can lag further; ids stay unique regardless (their other 74 bits are random).
 * Each bus has its own clock; {@link #close()} ends its thread.
 */
final class MillisClock implements AutoCloseable {

    static final String THREAD_NAME = "agent-dojo-events-clock";
    private static final long TICK_NANOS = 1_000_000;

    private volatile long now = System.currentTimeMillis();
    /** Set by readers, cleared by the ticker each tick: whether anyone read in the last tick. */
    private volatile boolean used;
    /** Whether the ticker sleeps, so that {@link #now} may be old: readers then take the real clock. */
    private volatile boolean asleep = true;
    private volatile boolean closed;
    private Thread ticker; // guarded by this

    /** The current time in epoch milliseconds, as described above. */
    long millis() {
        if (asleep) {
            return wake();
        }
        if (!used) {
            used = true; // written once per tick, not on every read: no cache line bouncing between emitters
        }
        return now;
    }

    private long wake() {
        long t = System.currentTimeMillis();
        synchronized (this) {
            if (asleep && !closed) {
                now = t;
                used = true;
                asleep = false;
                if (ticker == null) {
                    ticker = new Thread(this::tick, THREAD_NAME);
                    ticker.setDaemon(true);
                    ticker.start();
                } else {
                    LockSupport.unpark(ticker);
                }
            }
        }
        return t;
    }

    private void tick() {
        while (!closed) {
            LockSupport.parkNanos(TICK_NANOS);
            now = System.currentTimeMillis();
            if (used) {
                used = false;
                continue;
            }
            synchronized (this) {
                if (!used) {
                    asleep = true;
                }
            }
            while (asleep && !closed) {
                LockSupport.park(this);
            }
        }
    }

    /** Whether the ticker sleeps; for tests. */
    boolean isAsleep() {
        return asleep;
    }

    /** Ends the ticker; reads from then on take the real clock. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            asleep = true;
            t = ticker;
        }
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Whether the ticker thread has ended; for tests. */
    boolean hasEnded() {
        Thread t;
        synchronized (this) {
            t = ticker;
        }
        return t == null || !t.isAlive();
    }
}
