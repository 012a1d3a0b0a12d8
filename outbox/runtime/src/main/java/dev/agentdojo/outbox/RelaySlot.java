package dev.agentdojo.outbox;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.unchecked.Unchecked;
import org.jboss.logging.Logger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The relay's replication slot and publication, as seen from its lease's session: the relay starts
 * only on the slot the outbox's migration made, never on one Debezium would make anew at the log's
 * end (it would skip every event committed since the old one's position), and never while the outbox
 * is out of its publication (its events would not be decoded). Used by the relay's threads while this
 * instance leads; {@link #problem} may be asked from any.
 */
final class RelaySlot {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** How often the slot's lag and the publication are read. */
    private static final Duration CHECK_EVERY = Duration.ofSeconds(5);

    private final RelayLease lease;
    private final String slot;
    private final RelayBacklog backlog;
    private final ScheduledExecutorService retries;
    /** Why the relay cannot start: its slot is missing; null when it can. */
    private volatile String problem;
    /** System.nanoTime() when the slot was last checked; touched by the relay's own thread only. */
    private long checkedAt = System.nanoTime() - CHECK_EVERY.toNanos() - 1;

    RelaySlot(RelayLease lease, String slot, RelayBacklog backlog, ScheduledExecutorService retries) {
        this.lease = lease;
        this.slot = slot;
        this.backlog = backlog;
        this.retries = retries;
    }

    /** Why the relay cannot start (its slot is missing, or was made anew and dropped); null when it can. */
    String problem() {
        return problem;
    }

    /** What became of the slot since its position was read ({@link #position}), once a reader holds it. */
    enum Since {
        /** No reader holds it yet. */
        NOT_HELD,
        /** Held, at the position read: the slot that was checked. */
        SAME,
        /** Held, ahead of the position read before anything was confirmed: a slot made anew, after events were skipped. */
        MADE_ANEW,
        /** It no longer exists. */
        MISSING
    }

    /**
     * The slot's confirmed position ({@code confirmed_flush_lsn}, as text), once the slot is free for
     * this holder: the replication connection a former holder may still have on it (one that lost the
     * lease, but whose connection the server has not noticed is dead) is ended. Null when the slot
     * does not exist: then {@link #problem} says why nothing is relayed and what to do.
     */
    String take() throws SQLException {
        String position = endFormerReader() ? position() : null;
        problem = position == null ? missing("is missing, so nothing is relayed: events committed since it was lost would be "
                + "skipped by a new one") : null;
        return position;
    }

    /**
     * Once the engine holds the slot, and before it sends anything: is it the slot read at
     * {@code position}? A reader that has confirmed nothing yet leaves the position as it was, while a
     * slot dropped and made anew by the engine starts at the log's end, ahead of it.
     */
    Since since(String position) {
        try (PreparedStatement find = lease.session().prepareStatement("""
                select active_pid is not null, pg_wal_lsn_diff(confirmed_flush_lsn, ?::pg_lsn) > 0 from pg_replication_slots
                where slot_name = ? and database = current_database()""")) {
            find.setString(1, position);
            find.setString(2, slot);
            try (ResultSet row = find.executeQuery()) {
                if (!row.next()) {
                    return Since.MISSING;
                }
                if (row.getBoolean(2)) {
                    return Since.MADE_ANEW;
                }
                return row.getBoolean(1) ? Since.SAME : Since.NOT_HELD;
            }
        } catch (SQLException e) {
            LOG.debugf("Could not check the replication slot yet: %s", e);
            return Since.NOT_HELD;
        }
    }

    /** Drops a slot the engine made anew, so the relay stops as for a missing one, and {@link #problem} says so. */
    void dropMadeAnew() {
        String why = missing("was lost as the relay started, and its engine made a new one at the log's end, which would skip "
                + "every event committed since the old one's position: nothing was sent from it, and it was dropped again");
        try {
            Uni.createFrom().item(Unchecked.supplier(() -> {
                        endFormerReader(); // ends the engine's replication connection, should it linger
                        drop();
                        return slot;
                    }))
                    .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(2)).withExecutor(retries).atMost(4)
                    .await().indefinitely();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            why += " (dropping it failed: " + cause.getMessage() + "; drop it by hand)";
        }
        problem = why; // logged once as the relay's failure
    }

    /**
     * Every 5 s at most, on the relay's own thread: reads the slot's lag for its gauge, and answers
     * why nothing may be relayed when the outbox left the publication (else null; a lease session
     * that fails to answer is the lease's renewal's to notice).
     */
    String checkNowAndThen() {
        if (System.nanoTime() - checkedAt <= CHECK_EVERY.toNanos() || lease.session() == null) {
            return null;
        }
        checkedAt = System.nanoTime();
        backlog.slotLag(lagBytes());
        try {
            return unpublishedOutbox();
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Null when the outbox table is in the relay's publication; else why nothing would be relayed:
     * PostgreSQL decodes no change of a table outside the publication, so its events would be
     * skipped without a word. (A check on this instance's lease session; a failure to ask is no answer.)
     */
    String unpublishedOutbox() throws SQLException {
        try (PreparedStatement find = lease.session().prepareStatement(
                "select count(*) from pg_publication_tables where pubname = ? and schemaname = 'public' and tablename = 'outbox'")) {
            find.setString(1, RelaySettings.PUBLICATION);
            try (ResultSet row = find.executeQuery()) {
                if (row.next() && row.getLong(1) == 1) {
                    return null;
                }
            }
        }
        return "the table outbox is not in the publication " + RelaySettings.PUBLICATION + ", so its events would be skipped: "
                + "nothing is relayed until it is added again (alter publication " + RelaySettings.PUBLICATION + " add table outbox); "
                + "events committed while it was out are not in the log's decoding and must be sent again from what they caused";
    }

    /** Drops the slot; it fails while a reader holds it. */
    void drop() throws SQLException {
        try (PreparedStatement drop = lease.session().prepareStatement("select pg_drop_replication_slot(?)")) {
            drop.setString(1, slot);
            drop.execute();
        }
    }

    private String missing(String what) {
        return "the replication slot " + slot + " " + what + ". Create it (select pg_create_logical_replication_slot('" + slot
                + "', 'pgoutput')) once you know what those events became; the relay starts on it by itself";
    }

    /** Ends the replication connection another reader has on the slot; false when the slot does not exist. */
    boolean endFormerReader() throws SQLException {
        try (PreparedStatement find = lease.session().prepareStatement(
                "select active_pid from pg_replication_slots where slot_name = ? and database = current_database()")) {
            find.setString(1, slot);
            try (ResultSet row = find.executeQuery()) {
                if (!row.next()) {
                    return false;
                }
                int pid = row.getInt(1);
                if (!row.wasNull()) {
                    try (PreparedStatement end = lease.session().prepareStatement("select pg_terminate_backend(?)")) {
                        end.setInt(1, pid);
                        end.execute();
                    }
                    LOG.infof("Outbox relay: ended the replication connection (pid %d) a former relay still had on slot %s", pid, slot);
                }
                return true;
            }
        }
    }

    private String position() throws SQLException {
        try (PreparedStatement find = lease.session().prepareStatement(
                "select confirmed_flush_lsn::text from pg_replication_slots where slot_name = ? and database = current_database()")) {
            find.setString(1, slot);
            try (ResultSet row = find.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    /** How many bytes of the write-ahead log the slot holds back (-1 when it does not exist or cannot be read). */
    long lagBytes() {
        try (PreparedStatement lag = lease.session().prepareStatement("""
                select pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint from pg_replication_slots
                where slot_name = ? and database = current_database()""")) {
            lag.setString(1, slot);
            try (ResultSet row = lag.executeQuery()) {
                return row.next() ? row.getLong(1) : -1;
            }
        } catch (SQLException e) {
            return -1;
        }
    }
}
