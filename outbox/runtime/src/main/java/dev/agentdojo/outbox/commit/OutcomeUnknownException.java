package dev.agentdojo.outbox.commit;

import java.sql.SQLTransientException;
import java.util.Optional;

/**
 * It is not known whether a piece of work was committed: the database did not answer a
 * {@code COMMIT} (the connection broke, or timed out, while waiting for the reply), or did not
 * answer the request in time. It may have been. Its kind is {@code OUTCOME_UNKNOWN} ({@link DatabaseFailures}): doing the work
 * again is safe wherever the work is idempotent — a received event handled again, an order placed
 * again with the same {@code Idempotency-Key} — and tells what was done.
 */
public class OutcomeUnknownException extends SQLTransientException {

    public OutcomeUnknownException(String message, Throwable cause) {
        super(message, "08007", cause); // SQLSTATE 08007: transaction resolution unknown
    }

    /** The unknown outcome behind {@code failure}, if one is among its causes or what it suppressed. */
    public static Optional<OutcomeUnknownException> in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutcomeUnknownException unknown) {
                return Optional.of(unknown);
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (suppressed instanceof OutcomeUnknownException unknown) {
                    return Optional.of(unknown);
                }
            }
        }
        return Optional.empty();
    }
}
