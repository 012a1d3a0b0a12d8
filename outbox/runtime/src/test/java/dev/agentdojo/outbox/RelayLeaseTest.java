package dev.agentdojo.outbox;

import dev.agentdojo.postgres.LocalPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link RelayLease} on a real PostgreSQL server, logged in as a database's owner role (not a superuser), as a service is. */
class RelayLeaseTest {

    private static final String DATABASE = "leases";
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static LocalPostgres postgres;
    private final List<RelayLease> leases = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        postgres = LocalPostgres.start(Path.of("target/relay-lease-postgres"), LocalPostgres.freePort(), DATABASE);
    }

    @AfterAll
    static void stopServer() {
        postgres.stop();
    }

    @AfterEach
    void giveUp() {
        leases.forEach(RelayLease::close);
    }

    private RelayLease lease() {
        Properties login = new Properties();
        login.setProperty("user", DATABASE);
        login.setProperty("password", postgres.password(DATABASE));
        RelayLease lease = new RelayLease(postgres.jdbcUrl(DATABASE), login, LEASE, Duration.ofSeconds(5));
        leases.add(lease);
        return lease;
    }

    @Test
    void oneInstanceHoldsTheLeaseAtATime_andAnotherTakesItWhenItIsGivenUp() throws SQLException {
        RelayLease first = lease();
        RelayLease second = lease();

        assertThat(first.tryTake()).isTrue();
        assertThat(second.tryTake()).isFalse();
        assertThat(first.held()).isTrue();
        assertThat(second.held()).isFalse();

        first.close();
        assertThat(first.held()).isFalse();
        await("the server ends the session, and its lock, once the client closed it").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50)).until(second::tryTake);
    }

    @Test
    void aHolderThatKeepsRenewingKeepsTheLease() throws SQLException {
        RelayLease holder = lease();
        RelayLease sibling = lease();
        assertThat(holder.tryTake()).isTrue();

        long until = System.nanoTime() + LEASE.multipliedBy(2).toNanos();
        while (System.nanoTime() < until) {
            assertThat(holder.renew()).isTrue();
            assertThat(sibling.tryTake()).isFalse();
            await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        }
        assertThat(holder.held()).isTrue();
    }

    @Test
    void aHolderThatStopsRenewingLosesTheLease_andKnowsItBeforeASiblingCanTakeIt() throws SQLException {
        RelayLease frozen = lease();
        RelayLease sibling = lease();
        assertThat(frozen.tryTake()).isTrue();
        long takenAt = System.nanoTime();

        // the holder does nothing from now on, as a process stopped with SIGSTOP
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(sibling::tryTake);
        long takenOverAfter = System.nanoTime() - takenAt;

        assertThat(frozen.held()).as("a holder that wakes up after losing the lease knows it: it sends nothing").isFalse();
        assertThat(takenOverAfter).as("taken over no sooner than the lease ran out").isGreaterThanOrEqualTo(LEASE.toNanos());
        assertThat(frozen.renew()).as("its session was ended by the server").isFalse();
        assertThat(sibling.held()).isTrue();
    }

    @Test
    void takingTheSlotEndsTheReplicationConnectionAFormerHolderStillHasOnIt() throws Exception {
        String slot = "lease_test_slot";
        try (Connection admin = superuser(); Statement s = admin.createStatement()) {
            s.execute("select pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        }
        RelayLease holder = lease();
        assertThat(holder.tryTake()).isTrue();
        RelaySlot missing = slot(holder, "no_such_slot");
        assertThat(missing.take()).as("a missing slot is said so, never made").isNull();
        assertThat(missing.problem()).contains("no_such_slot is missing", "pg_create_logical_replication_slot");
        assertThat(missing.lagBytes()).isEqualTo(-1);

        Connection former = replicationConnection();
        try {
            startStream(former, slot);
            assertThat(activePid(slot)).as("the former holder reads the slot").isNotNull();

            assertThat(slot(holder, slot).take()).isNotNull();
            assertThat(slot(holder, slot).problem()).isNull();

            await().atMost(Duration.ofSeconds(10)).until(() -> activePid(slot) == null);
            assertThat(slot(holder, slot).lagBytes()).isGreaterThanOrEqualTo(0);
        } finally {
            try {
                former.close();
            } catch (SQLException endedByTheServer) {
                // closing a connection the server ended may fail: that is the point
            }
            try (Connection admin = superuser(); Statement s = admin.createStatement()) {
                s.execute("select pg_drop_replication_slot('" + slot + "')");
            }
        }
    }

    @Test
    void aSlotMadeAnewAfterItsPositionWasReadIsToldFromTheOneThatWasChecked() throws Exception {
        String slot = "lease_test_anew";
        try (Connection admin = superuser(); Statement s = admin.createStatement()) {
            s.execute("select pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        }
        RelayLease holder = lease();
        assertThat(holder.tryTake()).isTrue();
        RelaySlot checked = slot(holder, slot);
        String position = checked.take();
        assertThat(position).isNotNull();
        assertThat(checked.since(position)).as("no reader yet").isEqualTo(RelaySlot.Since.NOT_HELD);

        Connection reader = replicationConnection();
        try {
            startStream(reader, slot);
            await().atMost(Duration.ofSeconds(10)).until(() -> checked.since(position) == RelaySlot.Since.SAME);
        } finally {
            closeQuietly(reader);
        }

        // lost, events committed meanwhile, then made anew (as the engine would) at the log's end
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            checked.drop();
            return true;
        });
        assertThat(checked.since(position)).isEqualTo(RelaySlot.Since.MISSING);
        try (Connection admin = superuser(); Statement s = admin.createStatement()) {
            s.execute("create table if not exists written_meanwhile (n int)");
            s.execute("insert into written_meanwhile values (1)");
            s.execute("select pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        }
        Connection anew = replicationConnection();
        try {
            startStream(anew, slot);
            await().atMost(Duration.ofSeconds(10)).until(() -> checked.since(position) == RelaySlot.Since.MADE_ANEW);
        } finally {
            closeQuietly(anew);
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                checked.drop();
                return true;
            });
        }
    }

    private static RelaySlot slot(RelayLease holder, String name) {
        return new RelaySlot(holder, name, new RelayBacklog(new SimpleMeterRegistry()), Executors.newSingleThreadScheduledExecutor());
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException endedByTheServer) {
            // closing a replication connection may fail: nothing to do
        }
    }

    private static PGReplicationStream startStream(Connection replication, String slot) throws SQLException {
        return replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                .withSlotName(slot).withSlotOption("proto_version", "1").withSlotOption("publication_names", "none")
                .start();
    }

    private static Connection replicationConnection() throws SQLException {
        Properties p = new Properties();
        PGProperty.USER.set(p, DATABASE);
        PGProperty.PASSWORD.set(p, postgres.password(DATABASE));
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        return DriverManager.getConnection(postgres.jdbcUrl(DATABASE), p);
    }

    private static Connection superuser() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(DATABASE), LocalPostgres.USER, postgres.password(LocalPostgres.USER));
    }

    private static Integer activePid(String slot) throws SQLException {
        try (Connection admin = superuser(); Statement s = admin.createStatement();
             ResultSet row = s.executeQuery("select active_pid from pg_replication_slots where slot_name = '" + slot + "'")) {
            row.next();
            int pid = row.getInt(1);
            return row.wasNull() ? null : pid;
        }
    }
}
