package dev.agentdojo.outbox.commit;

import dev.agentdojo.bus.bridge.Failures;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Arrays;
import java.util.List;

/**
 * Writes one {@link GroupCommit} batch in one transaction on a connection of the pool; when the
 * batch fails on a statement, writes each item again alone, so one bad item fails alone. When no
 * connection can be had, or the database itself fails (it went away, a timeout), the whole batch
 * fails at once: each item would fail the same way, and slowly.
 */
final class BatchTransactions<T, R> {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);
    /** Whether a batch's failure passes (then each of its items failed for it), as the database layer tells it. */
    private static final Failures FAILURES = new Failures(List.of(new DatabaseFailures()));

    /** The outcome of an item that failed. */
    record Failure(Throwable cause) {
    }

    private final String name;
    private final DataSource dataSource;
    private final BatchWriter<T, R> writer;

    BatchTransactions(String name, DataSource dataSource, BatchWriter<T, R> writer) {
        this.name = name;
        this.dataSource = dataSource;
        this.writer = writer;
    }

    /** Writes {@code items}; one outcome per item, in their order: its result, or its {@link Failure}. */
    Object[] write(List<T> items) {
        Object[] outcomes = new Object[items.size()];
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException | RuntimeException e) {
            // whatever the pool or the driver says, no connection is a connection failure: it passes
            Arrays.fill(outcomes, new Failure(new SQLTransientConnectionException(
                    "no connection to the database for " + name + ": " + e.getMessage(), "08001", e)));
            return outcomes;
        }
        try (connection) {
            try {
                List<R> results = inTransaction(connection, items);
                for (int i = 0; i < outcomes.length; i++) {
                    outcomes[i] = results.get(i);
                }
            } catch (Error e) { // a writer's Error fails its batch; it never ends the writer's thread with callers waiting
                Arrays.fill(outcomes, new Failure(e));
            } catch (SQLException | RuntimeException e) {
                if (items.size() == 1 || FAILURES.passes(e)) {
                    Arrays.fill(outcomes, new Failure(e));
                } else {
                    LOG.debugf("A batch of %d %s failed (%s); each is written alone", items.size(), name, e.getMessage());
                    for (int i = 0; i < outcomes.length; i++) {
                        try {
                            outcomes[i] = inTransaction(connection, List.of(items.get(i))).get(0);
                        } catch (SQLException | RuntimeException | Error alone) {
                            outcomes[i] = new Failure(alone);
                        }
                    }
                }
            }
        } catch (SQLException closing) {
            LOG.debugf("Closing a connection after writing %s failed: %s", name, closing.getMessage());
        }
        return outcomes;
    }

    /**
     * Commits. "Not committed" only when the server answered {@code COMMIT} with the error that
     * rolled the transaction back ({@link DatabaseFailures#commitRefused}); any other failure — the connection
     * broke or timed out while the reply was on its way, the server was shut down or ended the
     * session (57P01, 57P02) — may have come after the commit record was written, so it is said
     * to be unknown ({@link OutcomeUnknownException}), never "nothing was done".
     */
    private void commit(Connection connection) throws SQLException {
        try {
            connection.commit();
        } catch (SQLException e) {
            if (DatabaseFailures.commitRefused(e)) {
                throw e;
            }
            throw new OutcomeUnknownException("the database did not confirm the commit of " + name
                    + ", which may have taken place: " + e.getMessage(), e);
        }
    }

    /**
     * Writes and commits {@code items}. A failure before or at the commit rolls back and is thrown as
     * it came: cleaning up the connection afterwards (it may be closed by then) never replaces it.
     * Once committed, the results stand, whatever the connection does next.
     */
    private List<R> inTransaction(Connection connection, List<T> items) throws SQLException {
        connection.setAutoCommit(false);
        List<R> results;
        try {
            results = writer.write(connection, items);
            if (results.size() != items.size()) {
                throw new IllegalStateException("the writer of " + name + " answered " + results.size()
                        + " results for " + items.size() + " items");
            }
            commit(connection);
        } catch (SQLException | RuntimeException | Error e) {
            try {
                connection.rollback();
                connection.setAutoCommit(true);
            } catch (SQLException cleaningUp) {
                e.addSuppressed(cleaningUp);
            }
            throw e;
        }
        try {
            connection.setAutoCommit(true);
        } catch (SQLException afterCommit) { // the pool validates the connection before lending it again
            LOG.debugf("After committing %s the connection failed: %s", name, afterCommit.getMessage());
        }
        return results;
    }
}
