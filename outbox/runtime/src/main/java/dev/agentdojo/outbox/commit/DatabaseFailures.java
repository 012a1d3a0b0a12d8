package dev.agentdojo.outbox.commit;

import dev.agentdojo.bus.bridge.FailureClassifier;
import dev.agentdojo.bus.bridge.FailureKind;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.SQLException;
import java.sql.SQLNonTransientException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * The database layer's word on its failures, the one place that reads SQLSTATEs. Passes: the
 * database away or busy — SQLSTATE class 08 connection, 40 transaction rollback, 53 insufficient
 * resources, 55 object not available, 57 operator intervention (a statement timeout, a shutdown), 58
 * system error, or none, as a connection pool raises — and JDBC's transient and recoverable kinds.
 * Outcome unknown: an {@link OutcomeUnknownException}. Permanent: any other SQL failure (bad data, a
 * constraint). The bridge asks it ({@link FailureClassifier}), and so do the REST answers.
 */
@ApplicationScoped
public class DatabaseFailures implements FailureClassifier {

    @Override
    public FailureKind kindOf(Throwable failure) {
        return kind(failure);
    }

    /** The kind of {@code failure} (one link, not its causes), or null when it is not the database's. */
    public static FailureKind kind(Throwable failure) {
        if (failure instanceof OutcomeUnknownException) {
            return FailureKind.OUTCOME_UNKNOWN;
        }
        if (failure instanceof SQLTransientException || failure instanceof SQLRecoverableException) {
            return FailureKind.PASSES;
        }
        if (failure instanceof SQLNonTransientException) {
            return FailureKind.PERMANENT;
        }
        if (failure instanceof SQLException sql) {
            return passingState(sql.getSQLState()) ? FailureKind.PASSES : FailureKind.PERMANENT;
        }
        return null;
    }

    /**
     * Whether a failed {@code COMMIT} is the server's answer that the transaction rolled back: a
     * serialization failure or deadlock (class 40), a deferred constraint (23), invalid data (22), a
     * transaction already failed (25). Any other failure of a commit leaves its outcome unknown.
     */
    static boolean commitRefused(SQLException failure) {
        String state = failure.getSQLState();
        if (failure instanceof OutcomeUnknownException || state == null || state.length() < 2) {
            return false;
        }
        return switch (state.substring(0, 2)) {
            case "22", "23", "25", "40" -> true;
            default -> false;
        };
    }

    private static boolean passingState(String state) {
        if (state == null || state.length() < 2) {
            return true;
        }
        return switch (state.substring(0, 2)) {
            case "08", "40", "53", "55", "57", "58" -> true;
            default -> false;
        };
    }
}
