package dev.agentdojo.service.deadletters;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.bridge.DeadLetter;
import dev.agentdojo.bus.bridge.DeadLetterStore;
import dev.agentdojo.service.chain.EventDeadLettered;
import dev.agentdojo.service.chain.InvalidEventException;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Keeps each dead letter the bridge writes in the service's own database, before its record goes to
 * the dead-letter topic: with the whole record's value, so that it can be retried without Kafka, and
 * the order it belongs to (a chain event's first arg). A record read and refused again (after a
 * rebalance, say) is kept once. The reason kept is the chain's own when the chain refused the event
 * ({@code mismatch}, {@code invalid}, …: {@link InvalidEventException#reason}), else the bridge's.
 * A letter kept for the first time whose event belongs to an order is announced as
 * {@link EventDeadLettered}, caused by it, so that the order's chain shows where it stopped — unless
 * its topic's owner never sends such an event ({@code not-owners}: forged, it belongs to no chain);
 * an announcement that fails is logged, never retried (the letter itself is kept).
 */
@ApplicationScoped
public class DeadLetterRecorder implements DeadLetterStore {

    private static final Logger LOG = Logger.getLogger(DeadLetterRecorder.class);
    /** The bridge's reason for a record with a name its topic's owner does not send. */
    private static final String NOT_OWNERS = "not-owners";

    private final DeadLetterRepository letters;
    private final DeadLetterGauge gauge;
    private final EventBus bus;

    DeadLetterRecorder(DeadLetterRepository letters, DeadLetterGauge gauge, EventBus bus) {
        this.letters = letters;
        this.gauge = gauge;
        this.bus = bus;
    }

    @Override
    public CompletionStage<Void> record(DeadLetter letter) {
        return CompletableFuture.runAsync(() -> {
            DeadLetterRepository.NewLetter row = row(letter);
            boolean kept = letters.insert(row);
            gauge.refresh();
            if (kept) {
                announce(letter.event(), row);
            }
        }, Infrastructure.getDefaultWorkerPool());
    }

    /** Tells the order's chain that one of its events was set aside here; blocks until committed. */
    private void announce(Event event, DeadLetterRepository.NewLetter row) {
        // a record its topic's owner never sends is no one's chain: told to no one, so that whoever wrote
        // it cannot put anything on the live log through its dead letter
        if (event == null || row.orderId() == null || event.name().equals(EventDeadLettered.NAME) || NOT_OWNERS.equals(row.reason())) {
            return;
        }
        try {
            bus.emitCausedBy(event, new EventDeadLettered(row.orderId(), event.id(), event.name(), row.reason()))
                    .await().atMost(java.time.Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.warnf("Dead letter %s kept, but the chain of order %s could not be told: %s", row.id(), row.orderId(), e.toString());
        }
    }

    static DeadLetterRepository.NewLetter row(DeadLetter letter) {
        Event event = letter.event();
        Throwable failure = letter.failure();
        String reason = reasonOf(letter.reason(), failure);
        return new DeadLetterRepository.NewLetter(UUID.randomUUID().toString(), event == null ? null : event.id(),
                event == null ? null : event.name(), orderOf(event), event == null ? null : event.correlationId(),
                letter.topic(), letter.partition(), letter.offset(), Instant.now(), reason, failure.getClass().getName(),
                storable(DeadLetterRepository.bounded(String.valueOf(failure.getMessage()))),
                storable(letter.envelope() == null ? "" : letter.envelope()));
    }

    /** {@code text} as PostgreSQL can keep it: its text holds no NUL, shown as U+FFFD instead. */
    static String storable(String text) {
        return text.replace('\u0000', '\uFFFD');
    }

    /** The chain's own reason when the chain refused the event, else the bridge's. */
    static String reasonOf(String bridgeReason, Throwable failure) {
        return failure instanceof InvalidEventException invalid ? invalid.reason() : bridgeReason;
    }

    /** The order a chain event is about: its first arg, when that is an id. */
    static String orderOf(Event event) {
        if (event == null || event.args().isEmpty() || !(event.args().get(0) instanceof String id)) {
            return null;
        }
        return id.matches("[A-Za-z0-9._:-]{1,64}") ? id : null;
    }
}
