package dev.agentdojo.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one run of the floor's order side measured (the warm-up, or the measured run), in
 * {@code OrderLoad}'s terms: an order is sent when its time in the schedule comes, accepted once
 * its transaction committed (the stack's 202), final once its outcome is on the topic (the outcome
 * record's timestamp, as the harness times the stack's), settled once the order's update committed.
 * Thread-safe.
 */
final class FloorPhase {

    final String name;
    /** Accepted orders: when each was sent (epoch ms, the clock of the records' timestamps). */
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    /** Final orders: sent → the outcome's record on the topic, ms. */
    private final Map<String, Long> toFinal = new ConcurrentHashMap<>();
    private final List<Long> acceptNanos = new ArrayList<>();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder settled = new LongAdder();
    /** When the run's first order was sent, and the newest outcome record's timestamp (epoch ms). */
    private final long startMillis = System.currentTimeMillis();
    private volatile long lastFinalMillis;
    volatile long sent;

    FloorPhase(String name) {
        this.name = name;
    }

    void skipped() {
        skipped.increment();
    }

    /** The order's transaction committed, {@code nanos} after it was sent at {@code sentMillis}. */
    void accepted(String orderId, long sentMillis, long nanos) {
        sentAt.put(orderId, sentMillis);
        synchronized (acceptNanos) {
            acceptNanos.add(nanos);
        }
    }

    /** The order's outcome was written to the topic at {@code recordMillis}; false when the order is not this run's. */
    boolean outcome(String orderId, long recordMillis) {
        Long sentMillis = sentAt.get(orderId);
        if (sentMillis == null) {
            return false;
        }
        toFinal.putIfAbsent(orderId, Math.max(0, recordMillis - sentMillis));
        lastFinalMillis = Math.max(lastFinalMillis, recordMillis); // one consumer thread writes it
        return true;
    }

    void settled() {
        settled.increment();
    }

    /** Whether every accepted order is final and settled. */
    boolean done() {
        return toFinal.size() >= sentAt.size() && settled.sum() >= sentAt.size();
    }

    long accepted() {
        return sentAt.size();
    }

    /** The report, in the words of {@code OrderLoad}'s (load.sh reads the line "accepted (committed) N"). */
    void report(double sendSeconds, long relayTransactions) {
        long[] accept;
        synchronized (acceptNanos) {
            accept = acceptNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        long[] fin = toFinal.values().stream().mapToLong(TimeUnit.MILLISECONDS::toNanos).sorted().toArray();
        System.out.printf(Locale.ROOT, "orders sent            %d in %.1f s (%d more not sent: the in-flight bound)%n",
                sent - skipped.sum(), sendSeconds, skipped.sum());
        System.out.printf(Locale.ROOT, "accepted (committed)   %d%n", sentAt.size());
        System.out.printf(Locale.ROOT, "final state reached    %d (%.0f orders/s sustained); settled %d%n",
                fin.length, fin.length / sendSeconds, settled.sum());
        System.out.printf(Locale.ROOT, "not final after +30 s  %d%n", sentAt.size() - fin.length);
        double window = (lastFinalMillis - startMillis) / 1000.0;
        System.out.printf(Locale.ROOT, "the last one final     %.1f s after the first was sent (%.0f orders/s end to end)%n",
                window, window > 0 ? fin.length / window : 0.0);
        System.out.printf(Locale.ROOT, "sent -> committed      p50 %.1f ms   p99 %.1f ms  (the stack's POST -> 202)%n",
                pct(accept, 50), pct(accept, 99));
        System.out.printf(Locale.ROOT, "sent -> final state    p50 %.1f ms   p99 %.1f ms  (outcome written to the topic; ms resolution)%n",
                pct(fin, 50), pct(fin, 99));
        System.out.printf(Locale.ROOT, "order side's Kafka transactions  %d (%.1f orders each)%n", relayTransactions,
                relayTransactions == 0 ? 0.0 : sentAt.size() / (double) relayTransactions);
    }

    /** The {@code p}th percentile of {@code sorted} nanoseconds, in ms (NaN when empty), as {@code OrderLoad} computes it. */
    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
