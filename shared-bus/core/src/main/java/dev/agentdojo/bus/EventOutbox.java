package dev.agentdojo.bus;

import java.util.concurrent.CompletionStage;

/**
 * Where the events that cross to other services go when they are emitted, in an application that
 * keeps its state in a database: into an outbox table, in the same transaction as the state change
 * that caused them, from which a relay sends them on to the broker once committed (the
 * transactional outbox). Without a bean of this type, the bridge sends each such event to the broker
 * at emit.
 *
 * <p>The bridge calls {@link #add} on the emitting thread, before any local listener runs, for every
 * event that crosses. An implementation either takes the event into a transaction its caller is
 * building (answering {@code null}: the emit does not wait; the event is relayed once that
 * transaction commits, and never if it rolls back), or commits it in a transaction of its own and
 * answers a stage that completes when it is committed (the emit's {@code Uni} waits for it).
 */
public interface EventOutbox {

    /**
     * Takes an emitted event that crosses to other services.
     *
     * @param envelope the event as it travels: JSON, the value of its record on the topic
     * @return null when the event joined a transaction of the caller's; otherwise a stage that
     *         completes once the event is committed to the outbox, or fails if it was not
     */
    CompletionStage<?> add(Event event, String envelope);
}
