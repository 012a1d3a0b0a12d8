package dev.agentdojo.bus.bridge;

/** What a failure says about doing the same work again, as the layer where it happened tells it ({@link FailureClassifier}). */
public enum FailureKind {

    /** It may succeed later: the database or the broker away or busy, a timeout, a full queue. */
    PASSES,
    /**
     * It is not known whether the work was done (a {@code COMMIT} whose reply was lost). Doing it
     * again is safe where the work is idempotent — a received event handled again, an order placed
     * again with the same key — and tells what was done.
     */
    OUTCOME_UNKNOWN,
    /** It fails the same way every time: bad data, a constraint, a bug. */
    PERMANENT;

    /** Whether doing the work again may succeed (or tell what was done). */
    public boolean passes() {
        return this != PERMANENT;
    }
}
