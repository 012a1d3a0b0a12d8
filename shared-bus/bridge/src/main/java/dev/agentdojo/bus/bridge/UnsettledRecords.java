package dev.agentdojo.bus.bridge;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The records the bridge has received and not yet settled (neither acknowledged nor handed to the
 * dead-letter queue for good), with why each waits: so that a consumer that cannot move on is seen.
 * {@link #oldestSeconds} is the gauge {@code agentdojo_bridge_oldest_unacknowledged_seconds}, and
 * {@link #problem} says, for readiness, which record holds its partition back and why — one
 * unsettled for longer than {@code event-bus.bridge.stalled-after}, or at once one whose
 * dead-letter write was refused.
 *
 * <p>Only records in flight are kept: one is added when the bridge takes it and removed when it is
 * settled, or when its handling ends any other way (the application stops). A record retried after
 * a passing failure stays in flight meanwhile, so there are never more than
 * {@code event-bus.bridge.concurrency} (the bridge's receiving stream takes no more at once).
 * Thread-safe.
 */
final class UnsettledRecords {

    private final Set<Unsettled> inFlight = ConcurrentHashMap.newKeySet();
    private final long stalledAfterNanos;
    private final String stalledAfter;
    private final LongSupplier nanoTime;

    /**
     * @param stalledAfter how long a record may stay unsettled before {@link #problem} names it
     * @param nanoTime     the clock ({@code System::nanoTime})
     */
    UnsettledRecords(Duration stalledAfter, LongSupplier nanoTime) {
        if (stalledAfter.isNegative() || stalledAfter.isZero()) {
            throw new IllegalArgumentException("event-bus.bridge.stalled-after must be positive, was " + stalledAfter);
        }
        this.stalledAfterNanos = stalledAfter.toNanos();
        this.stalledAfter = stalledAfter.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
        this.nanoTime = nanoTime;
    }

    /**
     * A record taken in: in flight until {@link Unsettled#settled}.
     *
     * @param where the record's topic, partition and offset ({@code topic-partition@offset}), or
     *              "?" off Kafka
     */
    Unsettled taken(String where) {
        Unsettled record = new Unsettled(where, nanoTime.getAsLong());
        inFlight.add(record);
        return record;
    }

    /** How many records are in flight. */
    int size() {
        return inFlight.size();
    }

    /** How long the oldest record in flight has waited, in seconds; 0 when none waits. */
    double oldestSeconds() {
        long now = nanoTime.getAsLong();
        long oldest = 0;
        for (Unsettled record : inFlight) {
            oldest = Math.max(oldest, now - record.since);
        }
        return oldest / 1e9;
    }

    /**
     * Why the consumer cannot move on, or null: the dead-letter topic refuses a record (at once),
     * else the oldest record unsettled for longer than the bound — each with its topic, partition
     * and offset, its event when it was read, and why it waits.
     */
    String problem() {
        long now = nanoTime.getAsLong();
        Unsettled oldest = null;
        Unsettled refused = null;
        String refusal = null;
        int stalled = 0;
        for (Unsettled record : inFlight) {
            String by = record.refusedBy;
            if (by != null && (refused == null || record.since - refused.since < 0)) {
                refused = record;
                refusal = by;
            }
            if (now - record.since > stalledAfterNanos) {
                stalled++;
                if (oldest == null || record.since - oldest.since < 0) {
                    oldest = record;
                }
            }
        }
        if (refused != null) {
            return "the dead-letter topic refuses records: " + refused.describe() + " could not be dead-lettered (unacknowledged for "
                    + refused.seconds(now) + " s, tried again until it is; its partition waits): " + refusal;
        }
        if (oldest == null) {
            return null;
        }
        return oldest.describe() + " unacknowledged for " + oldest.seconds(now) + " s, more than event-bus.bridge.stalled-after ("
                + stalledAfter + "), and its partition waits: " + oldest.why
                + (stalled > 1 ? " (and " + (stalled - 1) + " more records past the bound)" : "");
    }

    /** One record in flight, and why it waits. */
    final class Unsettled {

        private final String where;
        private final long since;
        private volatile String event;
        private volatile String why = "it is being handled (its listeners have not completed)";
        private volatile String refusedBy;

        private Unsettled(String where, long since) {
            this.where = where;
            this.since = since;
        }

        /** The event the record carries, once read: for the description. */
        void carries(String event) {
            this.event = event;
        }

        /** Why it waits now (the last failure of its handling, say): overwrites the last reason. */
        void waits(String why) {
            this.why = why;
        }

        /** Its dead-letter write failed: a state of its own, until {@link #deadLettered}. */
        void deadLetterRefused(Throwable cause) {
            String refusal = cause.toString();
            this.why = "its dead-letter write was refused: " + refusal;
            this.refusedBy = refusal;
        }

        /** Whether its dead-letter write was refused (and not taken since). */
        boolean refused() {
            return refusedBy != null;
        }

        /** Its dead-letter write went through. */
        void deadLettered() {
            refusedBy = null;
        }

        /** It is settled, or its handling ended: no longer in flight. */
        void settled() {
            inFlight.remove(this);
        }

        private String describe() {
            String e = event;
            return "record " + where + (e == null ? "" : " (" + e + ")");
        }

        private long seconds(long now) {
            return (now - since) / 1_000_000_000L;
        }
    }
}
