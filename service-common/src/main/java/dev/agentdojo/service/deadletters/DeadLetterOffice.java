package dev.agentdojo.service.deadletters;

import dev.agentdojo.bus.bridge.EventBridge;
import dev.agentdojo.bus.bridge.HandledAgain;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What a person does with the service's dead letters: lists them, hands one to the listeners again,
 * or discards one. A letter is retried or discarded only from {@code OPEN}, claimed with a
 * conditional update ({@link DeadLetterRepository#claim}), so that two instances or two clicks
 * handle it once: the second is told it is taken ({@link Conflict}). A retry goes through the
 * bridge's own handling ({@link EventBridge#handleAgain}): validation, the owner check, the
 * listeners' idempotence, their transaction and outbox — a retried event that succeeds goes on
 * along the chain as it would have, one whose order was settled meanwhile changes nothing, and one
 * refused again is {@code OPEN} again with the new reason. Every retry and discard is kept with
 * who did it, when, and what came of it.
 */
@ApplicationScoped
public class DeadLetterOffice {

    private static final Logger LOG = Logger.getLogger(DeadLetterOffice.class);

    private final DeadLetterRepository letters;
    private final EventBridge bridge;
    private final DeadLetterGauge gauge;
    private final Duration answerWithin;
    private final Duration takenOverAfter;

    DeadLetterOffice(DeadLetterRepository letters, EventBridge bridge, DeadLetterGauge gauge, DeadLettersConfig config) {
        this.letters = letters;
        this.bridge = bridge;
        this.gauge = gauge;
        this.answerWithin = config.answerWithin();
        this.takenOverAfter = config.retryTakenOverAfter();
    }

    /** A letter that does not exist. */
    public static final class NotFound extends RuntimeException {
        NotFound(String id) {
            super("there is no dead letter " + id);
        }
    }

    /** A retry asked for before the bridge has started: its listeners' events would not reach the outbox yet. */
    public static final class NotStarted extends RuntimeException {
        NotStarted() {
            super("the service is starting: its bridge has not started yet, so a retry would not be relayed; try again in a few seconds");
        }
    }

    /** A letter that is resolved, or being handled by someone else. */
    public static final class Conflict extends RuntimeException {
        Conflict(StoredDeadLetter letter) {
            super("dead letter " + letter.id() + " is " + letter.state() + (letter.resolvedBy() == null ? ""
                    : " (by " + letter.resolvedBy() + " at " + letter.resolvedAt() + ")") + ": it is handled once");
        }
    }

    /** The newest letters first. */
    public Uni<List<StoredDeadLetter>> newest(int max) {
        return blocking(() -> letters.newest(max));
    }

    /** One letter, with what was done with it. */
    public Uni<StoredDeadLetter> find(String id) {
        return blocking(() -> letters.find(id).orElseThrow(() -> new NotFound(id)));
    }

    /**
     * Hands letter {@code id} to the listeners again, as {@code operator}: answers the letter as it
     * is once the outcome is known, or still {@code RETRYING} after {@code service.dead-letters.answer-within}
     * (its outcome is recorded when known). Fails with {@link NotFound} or {@link Conflict}.
     */
    public Uni<StoredDeadLetter> retry(String id, String operator) {
        String claim = operator + "#" + UUID.randomUUID(); // a retry taken over after takenOverAfter cannot settle the new one's
        return blocking(() -> {
            StoredDeadLetter letter = letters.find(id).orElseThrow(() -> new NotFound(id));
            if (!bridge.isReady()) { // what its listeners emit would not be collected into the outbox yet
                throw new NotStarted();
            }
            if (!letters.claim(id, claim, takenOverAfter)) {
                throw new Conflict(letters.find(id).orElse(letter));
            }
            gauge.refresh();
            return letter;
        }).chain(letter -> {
            LOG.infof("Dead letter %s (event %s, '%s', order %s) handed to the listeners again by %s", id, letter.eventId(),
                    letter.eventName(), letter.orderId(), operator);
            Uni<StoredDeadLetter> outcome = bridge.handleAgain(letter.topic(), letter.envelope(), id)
                    .emitOn(Infrastructure.getDefaultWorkerPool())
                    .map(handled -> settle(letter, operator, claim, handled))
                    .memoize().indefinitely();
            outcome.subscribe().with(done -> { }, failure -> LOG.errorf(failure, "Dead letter %s: its retry's outcome could not be kept", id));
            return outcome.ifNoItem().after(answerWithin).recoverWithUni(() -> find(id));
        });
    }

    /** Marks letter {@code id} resolved without handling it, as {@code operator}, for {@code reason}. Fails as {@link #retry} does. */
    public Uni<StoredDeadLetter> discard(String id, String operator, String reason) {
        return blocking(() -> {
            StoredDeadLetter letter = letters.find(id).orElseThrow(() -> new NotFound(id));
            if (!letters.resolve(id, "OPEN", "DISCARDED", operator, "discarded: " + reason)) {
                throw new Conflict(letters.find(id).orElse(letter));
            }
            letters.act(id, "discard", operator, reason);
            gauge.refresh();
            LOG.infof("Dead letter %s (event %s, '%s', order %s) discarded by %s: %s", id, letter.eventId(), letter.eventName(),
                    letter.orderId(), operator, reason);
            return letters.find(id).orElseThrow();
        });
    }

    /** Records what came of a retry (blocking), and answers the letter as it is now. */
    private StoredDeadLetter settle(StoredDeadLetter letter, String operator, String claim, HandledAgain handled) {
        String id = letter.id();
        String outcome;
        boolean held;
        if (handled == null) {
            held = letters.reopen(id, claim, letter.reason(), letter.failureClass(), letter.failure());
            outcome = "not settled: the service stopped while it was handled; open again";
        } else if (handled.outcome() == HandledAgain.Outcome.DEAD_LETTERED) {
            Throwable failure = handled.failure();
            String reason = DeadLetterRecorder.reasonOf(handled.reason(), failure);
            held = letters.reopen(id, claim, reason, failure.getClass().getName(), String.valueOf(failure.getMessage()));
            outcome = "refused again (" + reason + "): " + failure;
        } else {
            outcome = handled.outcome() == HandledAgain.Outcome.HANDLED ? "handled: its listeners completed"
                    : "skipped (" + handled.reason() + "): handled here before, nothing done again";
            held = letters.retried(id, claim, operator, outcome);
        }
        if (!held) {
            outcome += " (another retry had taken the letter over meanwhile: the letter's state is that one's)";
        }
        letters.act(id, "retry", operator, outcome);
        gauge.refresh();
        LOG.infof("Dead letter %s retried by %s: %s", id, operator, outcome);
        return letters.find(id).orElseThrow();
    }

    private static <T> Uni<T> blocking(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
