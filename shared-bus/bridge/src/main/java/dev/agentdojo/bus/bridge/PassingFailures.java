package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.EventNotSentException;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Tells a failure that passes from one that does not: whether handling a received event again
 * later may succeed. Passing: the database away or busy (a {@link SQLException} of SQLSTATE class
 * 08 connection, 40 transaction rollback, 53 insufficient resources, 55 object not available, 57
 * operator intervention (a statement timeout, a shutdown), 58 system error, or one without a
 * SQLSTATE, as a connection pool raises), an I/O error, a timeout, work refused because a queue is
 * full, an event the broker or outbox did not take. Anything else — bad data, a constraint, a bug —
 * fails the same way every time. The whole chain of causes is looked at.
 */
public final class PassingFailures {

    private PassingFailures() {
    }

    public static boolean passes(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException || t instanceof IOException
                    || t instanceof TimeoutException || t instanceof RejectedExecutionException || t instanceof EventNotSentException) {
                return true;
            }
            if (t instanceof SQLException sql && !(t instanceof java.sql.SQLNonTransientException) && passingState(sql.getSQLState())) {
                return true;
            }
        }
        return false;
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
