package dev.agentdojo.bus.bridge;

/**
 * Tells the kind of the failures of one layer — the database, a payment provider — for
 * {@link Failures}: a layer that knows its failures provides one as a CDI bean, and the bridge
 * asks it whether handling a received event again may succeed.
 */
public interface FailureClassifier {

    /** The kind of {@code failure} (one link of a chain of causes, not its causes), or null when this layer does not know it. */
    FailureKind kindOf(Throwable failure);
}
