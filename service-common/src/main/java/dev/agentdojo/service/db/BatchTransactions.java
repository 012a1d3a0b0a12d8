package dev.agentdojo.service.db;

import dev.agentdojo.bus.bridge.PassingFailures;
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

    /** The outcome of an item that failed. */
    record Failure(Throwable cause) {
    }

    private final String name;
    private final DataSource dataSource;
    private final GroupCommit.Writer<T, R> writer;

    BatchTransactions(String name, DataSource dataSource, GroupCommit.Writer<T, R> writer) {
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
                if (items.size() == 1 || PassingFailures.passes(e)) {
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
     * Commits; when the connection fails while the reply is awaited (SQLSTATE class 08, or none),
     * the transaction may have committed: that is said ({@link OutcomeUnknownException}), never
     * "nothing was done". A commit the server refused (a serialization failure, say) did not.
     */
    private void commit(Connection connection) throws SQLException {
        try {
            connection.commit();
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (state == null || state.startsWith("08")) {
                throw new OutcomeUnknownException("the database did not confirm the commit of " + name
                        + ", which may have taken place: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private List<R> inTransaction(Connection connection, List<T> items) throws SQLException {
        connection.setAutoCommit(false);
        try {
            List<R> results = writer.write(connection, items);
            if (results.size() != items.size()) {
                throw new IllegalStateException("the writer of " + name + " answered " + results.size()
                        + " results for " + items.size() + " items");
            }
            commit(connection);
            return results;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
