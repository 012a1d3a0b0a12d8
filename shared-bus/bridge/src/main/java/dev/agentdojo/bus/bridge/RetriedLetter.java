package dev.agentdojo.bus.bridge;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A dead letter handed to the listeners again ({@link EventBridge#handleAgain}): read as if from
 * its topic, never sent by this application, and settled by telling what became of it
 * ({@link #outcome}) — it is not written to the dead-letter topic a second time, which holds it
 * already.
 */
final class RetriedLetter implements Received {

    private final String topic;
    private final String envelope;
    private final String letter;
    private volatile String skipped;
    private volatile HandledAgain outcome;

    /**
     * @param topic    the topic the letter was read from (its owner check applies); null off Kafka
     * @param envelope the record's value as it was read
     * @param letter   the letter's id, for log lines and readiness
     */
    RetriedLetter(String topic, String envelope, String letter) {
        this.topic = topic;
        this.envelope = envelope;
        this.letter = letter;
    }

    @Override
    public String payload() {
        return envelope;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String where() {
        return "dead letter " + letter + " of " + (topic == null ? "?" : topic);
    }

    @Override
    public boolean sentBy(byte[] source) {
        return false;
    }

    @Override
    public Map<String, String> traceHeaders() {
        return Map.of();
    }

    @Override
    public void skipped(String why) {
        skipped = why;
    }

    @Override
    public CompletionStage<Void> acknowledge() {
        String why = skipped;
        outcome = why == null ? new HandledAgain(HandledAgain.Outcome.HANDLED, null, null)
                : new HandledAgain(HandledAgain.Outcome.SKIPPED, why, null);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> setAside(String reason, Throwable why) {
        outcome = new HandledAgain(HandledAgain.Outcome.DEAD_LETTERED, reason, why);
        return CompletableFuture.completedFuture(null);
    }

    /** What became of it, once settled; null while it is not (the application stopped meanwhile). */
    HandledAgain outcome() {
        return outcome;
    }
}
