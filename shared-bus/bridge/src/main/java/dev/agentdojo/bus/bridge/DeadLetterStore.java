package dev.agentdojo.bus.bridge;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a service keeps the dead letters it writes, so that a person can see them and send them
 * again ({@link EventBridge#handleAgain}): an application that has one as a CDI bean gets each
 * dead letter {@linkplain #record recorded} before its record goes to the dead-letter topic. Should
 * recording fail, the record is not dead-lettered yet: both are tried again, as a refused
 * dead-letter write is, and its partition waits. Recording must therefore be idempotent per
 * record (its topic, partition and offset).
 */
public interface DeadLetterStore {

    /** Keeps nothing: the bridge of an application without a store. */
    DeadLetterStore NONE = letter -> CompletableFuture.completedFuture(null);

    /** Keeps {@code letter}; completes once it is kept, or fails. Called on the consumer's threads: must not block. */
    CompletionStage<Void> record(DeadLetter letter);
}
