package dev.agentdojo.service.outbox;

import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * The relay's leadership: a lease on the service's outbox that its holder must renew, that ends by
 * itself when the holder stops renewing it — crashed, frozen ({@code SIGSTOP}, a paused VM, a long
 * pause) or cut off — and that a holder which lost it knows it lost before it sends anything.
 *
 * <p>How: the lease is a PostgreSQL advisory lock held by a session of its own, whose
 * {@code idle_session_timeout} is the lease's length ({@code service.outbox.lease}). The holder runs
 * a statement on that session every {@code service.outbox.retry-wait}; a holder that stops doing so
 * has its session ended by the server once the lease has run out, and the lock goes with it, to the
 * first sibling that asks. A holder fences itself: it may send only within the lease counted from
 * the start of its last renewal that succeeded ({@link #held}), so one that wakes up after losing
 * the lease sends nothing. The new holder, once it has the lock, ends the replication connection a
 * former holder may still have on the slot ({@link #takeSlot}), so that connection can neither keep
 * the slot nor move it on. Standing-by instances keep one connection each and ask again on it every
 * {@code retry-wait}: no new login per try.
 *
 * <p>Why this and not the slot alone as the lock: the server notices a frozen replication client
 * only after {@code wal_sender_timeout}, a server-wide setting (60 s by default), and a client that is
 * frozen keeps its TCP connection (its kernel still answers keepalives). A session that must speak
 * within the lease is noticed within the lease, whatever the server's settings.
 *
 * <p>Used by the relay's own thread only (not thread-safe), but {@link #held} may be asked from any.
 */
final class RelayLease implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final String jdbcUrl;
    private final Properties login;
    private final Duration lease;
    private final Duration answerWithin;
    private Connection session;
    private boolean leading;
    /** System.nanoTime() at the start of the last renewal that succeeded while leading; 0: not held. */
    private volatile long renewedAt;

    /**
     * @param jdbcUrl      the service's database
     * @param login        the lease session's connection properties (user, password, timeouts)
     * @param lease        how long the lease lasts unless renewed
     * @param answerWithin how long a renewal may take
     */
    RelayLease(String jdbcUrl, Properties login, Duration lease, Duration answerWithin) {
        this.jdbcUrl = jdbcUrl;
        this.login = login;
        this.lease = lease;
        this.answerWithin = answerWithin;
    }

    /** Tries to take the lease (connecting first, if need be); true when this instance holds it. */
    boolean tryTake() throws SQLException {
        if (leading) {
            return renew();
        }
        if (session == null) {
            session = connect();
        }
        long asked = System.nanoTime();
        try (PreparedStatement take = session.prepareStatement("select pg_try_advisory_lock(hashtext(?))")) {
            take.setString(1, RelaySettings.PUBLICATION + ":" + session.getCatalog());
            try (ResultSet row = take.executeQuery()) {
                leading = row.next() && row.getBoolean(1);
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
        if (leading) {
            renewedAt = asked;
        }
        return leading;
    }

    /** Renews the lease; false (and the lease is given up) when the session is gone. */
    boolean renew() {
        if (!leading) {
            return false;
        }
        long asked = System.nanoTime();
        try {
            if (session.isValid((int) Math.max(1, answerWithin.toSeconds()))) {
                renewedAt = asked;
                return true;
            }
        } catch (SQLException e) {
            LOG.debugf("The relay's lease session failed: %s", e);
        }
        close();
        return false;
    }

    /**
     * Whether this instance may send: it holds the lease, and its last renewal started less than
     * three quarters of a lease ago — so the server cannot have ended its session and given the lock
     * to another. Cheap: a clock read.
     */
    boolean held() {
        long at = renewedAt;
        return at != 0 && System.nanoTime() - at < lease.toNanos() / 4 * 3;
    }

    /**
     * Makes the slot free for this holder: ends the replication connection of a former holder that
     * still has it (one that lost the lease, but whose connection the server has not noticed is dead).
     * Answers false when the slot does not exist.
     */
    boolean takeSlot(String slot) throws SQLException {
        try (PreparedStatement find = session.prepareStatement(
                "select active_pid from pg_replication_slots where slot_name = ? and database = current_database()")) {
            find.setString(1, slot);
            try (ResultSet row = find.executeQuery()) {
                if (!row.next()) {
                    return false;
                }
                int pid = row.getInt(1);
                if (!row.wasNull()) {
                    try (PreparedStatement end = session.prepareStatement("select pg_terminate_backend(?)")) {
                        end.setInt(1, pid);
                        end.execute();
                    }
                    LOG.infof("Outbox relay: ended the replication connection (pid %d) a former relay still had on slot %s", pid, slot);
                }
                return true;
            }
        }
    }

    /** What became of the slot since its position was read ({@link #slotPosition}), once a reader holds it. */
    enum SlotSince {
        /** No reader holds it yet. */
        NOT_HELD,
        /** Held, at the position read: the slot that was checked. */
        SAME,
        /** Held, ahead of the position read before anything was confirmed: a slot made anew, after events were skipped. */
        MADE_ANEW,
        /** It no longer exists. */
        MISSING
    }

    /** The slot's confirmed position ({@code confirmed_flush_lsn}, as text); null when it does not exist. */
    String slotPosition(String slot) throws SQLException {
        try (PreparedStatement find = session.prepareStatement(
                "select confirmed_flush_lsn::text from pg_replication_slots where slot_name = ? and database = current_database()")) {
            find.setString(1, slot);
            try (ResultSet row = find.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    /**
     * Whether the slot a reader now holds is the one read at {@code position}: a reader that has
     * confirmed nothing yet leaves the position as it was, while a slot dropped and made anew (by the
     * engine, which makes a missing slot itself) starts at the log's end, ahead of it.
     */
    SlotSince slotSince(String slot, String position) throws SQLException {
        try (PreparedStatement find = session.prepareStatement("""
                select active_pid is not null, pg_wal_lsn_diff(confirmed_flush_lsn, ?::pg_lsn) > 0 from pg_replication_slots
                where slot_name = ? and database = current_database()""")) {
            find.setString(1, position);
            find.setString(2, slot);
            try (ResultSet row = find.executeQuery()) {
                if (!row.next()) {
                    return SlotSince.MISSING;
                }
                if (row.getBoolean(2)) {
                    return SlotSince.MADE_ANEW;
                }
                return row.getBoolean(1) ? SlotSince.SAME : SlotSince.NOT_HELD;
            }
        }
    }

    /** Drops a slot no reader holds (one made anew, so that it is not taken for the one that was lost). */
    void dropSlot(String slot) throws SQLException {
        try (PreparedStatement drop = session.prepareStatement("select pg_drop_replication_slot(?)")) {
            drop.setString(1, slot);
            drop.execute();
        }
    }

    /**
     * Null when the outbox table is in the relay's publication; else why nothing would be relayed:
     * PostgreSQL decodes no change of a table outside the publication, so its events would be
     * skipped without a word. (A check on this instance's lease session; a failure to ask is no answer.)
     */
    String unpublishedOutbox() throws SQLException {
        try (PreparedStatement find = session.prepareStatement(
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

    /** How many bytes of the write-ahead log the slot holds back (-1 when it does not exist or cannot be read). */
    long slotLagBytes(String slot) {
        if (session == null) {
            return -1;
        }
        try (PreparedStatement lag = session.prepareStatement("""
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

    /** Gives the lease up: its session ends, and the lock with it. */
    @Override
    public void close() {
        leading = false;
        renewedAt = 0;
        if (session != null) {
            try {
                session.close();
            } catch (SQLException e) {
                LOG.debugf("The relay's lease session did not close cleanly: %s", e);
            }
            session = null;
        }
    }

    private Connection connect() throws SQLException {
        Connection connection = DriverManager.getConnection(jdbcUrl, login);
        try (Statement set = connection.createStatement()) {
            set.execute("set idle_session_timeout = " + lease.toMillis());
        } catch (SQLException olderThan14) {
            LOG.warnf("PostgreSQL does not take idle_session_timeout (it is older than 14): a relay that freezes keeps the "
                    + "outbox's lease until its connection ends: %s", olderThan14.getMessage());
        }
        return connection;
    }
}
