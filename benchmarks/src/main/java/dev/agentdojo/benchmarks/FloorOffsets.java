package dev.agentdojo.benchmarks;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The offsets a consumer of the floor may commit: a record counts as handled once its work
 * committed, and a partition's committable offset is that of its oldest record still being handled
 * (or just past the newest one received, when none is), so a commit never skips a record whose work
 * may still fail — what the bridge's throttled commit strategy does for the services.
 *
 * <p>Thread-safe: the consumer's thread {@linkplain #received receives}, the writers' threads mark
 * records {@linkplain #handled handled}.
 */
final class FloorOffsets {

    /** Per partition: the offsets received and not handled yet, and the next offset after the newest received. */
    private final Map<TopicPartition, TreeSet<Long>> pending = new HashMap<>();
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private int inFlight;

    /** A record was received: it is being handled until {@link #handled} says otherwise. */
    synchronized void received(TopicPartition partition, long offset) {
        pending.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
        next.merge(partition, offset + 1, Math::max);
        inFlight++;
    }

    /** The record's work committed (or it needed none). */
    synchronized void handled(TopicPartition partition, long offset) {
        TreeSet<Long> offsets = pending.get(partition);
        if (offsets != null && offsets.remove(offset)) {
            inFlight--;
        }
    }

    /** How many received records are still being handled. */
    synchronized int inFlight() {
        return inFlight;
    }

    /** What may be committed now, per partition that received anything: everything before its oldest record still being handled. */
    synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        next.forEach((partition, after) -> {
            TreeSet<Long> open = pending.get(partition);
            offsets.put(partition, new OffsetAndMetadata(open == null || open.isEmpty() ? after : open.first()));
        });
        return offsets;
    }

    /** The partition was taken away: what was received from it is no longer this consumer's to commit. */
    synchronized void forget(TopicPartition partition) {
        TreeSet<Long> open = pending.remove(partition);
        if (open != null) {
            inFlight -= open.size();
        }
        next.remove(partition);
    }
}
