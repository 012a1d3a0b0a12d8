package dev.agentdojo.bus.bridge;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A record the {@link BridgeReceiver} settles: one read from the topic ({@link KafkaRecord}), or a
 * dead letter handed to the listeners again ({@link RetriedLetter}). Both go through the same
 * checks and handling; only how each is settled differs.
 */
interface Received {

    /** The record's value: an event envelope, unless it is not one. */
    String payload();

    /** The topic it was read from; null off Kafka (the in-memory connector of tests). */
    String topic();

    /** Where it was read ({@code topic-partition@offset}), for log lines and readiness; "?" off Kafka. */
    String where();

    /** Whether a header says this application ({@code source}, UTF-8) sent it. */
    boolean sentBy(byte[] source);

    /** Its W3C trace context, if it has one. */
    Map<String, String> traceHeaders();

    /** It is done with: handled, or skipped. */
    CompletionStage<Void> acknowledge();

    /** It is skipped ({@code duplicate}, {@code own}), before it is acknowledged. */
    default void skipped(String why) {
    }

    /** It is set aside for good, for {@code reason}; completes once that is done, or fails (then tried again). */
    CompletionStage<Void> setAside(String reason, Throwable why);
}
