package dev.agentdojo.outbox;

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

    /** The lease's own session, for the slot's checks ({@link RelaySlot}); null until the first {@link #tryTake}. */
    Connection session() {
        return session;
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
