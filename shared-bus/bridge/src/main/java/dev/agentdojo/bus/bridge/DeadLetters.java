package dev.agentdojo.bus.bridge;

import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sets aside the records the {@link BridgeReceiver} can never hand on — not an event, not its
 * topic owner's, or whose listeners failed for a reason that does not pass — through the channel's
 * failure strategy (the dead-letter topic, {@code agent-dojo.events.dlq}), and keeps trying while
 * that topic refuses them.
 */
final class DeadLetters {

    private static final Logger LOG = Logger.getLogger(EventBridge.class);

    private final BridgeMetrics metrics;
    /** The last reason the dead-letter topic gave for refusing a record, logged once; null once it took one again. */
    private final AtomicReference<String> lastRefusal = new AtomicReference<>();

    DeadLetters(BridgeMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Sets a record aside for good: logged once without its content, counted, recorded in the
     * {@link DeadLetterStore} and handed to the failure strategy ({@link Received#setAside}). Should that fail (the dead-letter topic cannot be written: an ACL refuses it, the
     * broker away longer than the producer's delivery timeout), it is tried again, 1 s later, then
     * twice as long each time up to a minute, for as long as the application runs: the partition
     * waits, and the consumer's stream never ends over it. Meanwhile the record is in a state of its
     * own ({@link UnsettledRecords.Unsettled#deadLetterRefused}: readiness is DOWN saying the
     * dead-letter topic refuses), logged at ERROR once per cause the topic gives, not at every try.
     */
    Uni<Void> setAside(Received message, UnsettledRecords.Unsettled record, String reason, String what, Throwable why) {
        LOG.warnf("Dead-lettered %s (partition %s): %s", what, message.where(), why.toString());
        metrics.deadLettered(reason);
        record.waits("it is being dead-lettered (" + why + ")");
        return Uni.createFrom().completionStage(() -> message.setAside(reason, why))
                .onFailure().invoke(failed -> refused(message, record, what, EventBridge.unwrap(failed)))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofMinutes(1)).indefinitely()
                .invoke(() -> {
                    if (record.refused()) {
                        record.deadLettered();
                        lastRefusal.set(null);
                        LOG.infof("Set aside %s (partition %s): the dead-letter topic took it after refusing it", what,
                                message.where());
                    }
                });
    }

    private void refused(Received message, UnsettledRecords.Unsettled record, String what, Throwable failed) {
        record.deadLetterRefused(failed);
        String cause = failed.toString();
        if (!cause.equals(lastRefusal.getAndSet(cause))) {
            LOG.errorf("The dead-letter topic refuses records: %s (partition %s) could not be set aside, and is tried again "
                    + "(after 1 s, then twice as long up to a minute) until it is; its partition waits, and readiness is DOWN "
                    + "meanwhile. Said once for this cause: %s", what, message.where(), cause);
        } else {
            LOG.debugf("Could not set aside %s (partition %s), tried again: %s", what, message.where(), cause);
        }
    }
}
