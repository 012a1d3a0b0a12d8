package dev.agentdojo.e2e;

import dev.agentdojo.kafka.LocalKafka;
import dev.agentdojo.postgres.LocalPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A database the former order-service made, before the outbox was an extension (its own
 * migrations, V1 to V5, created the outbox, its publication and its slot), with an event committed and not yet relayed, is carried over by this version
 * without loss: the service starts on it, the outbox extension's migrations find the outbox there and
 * keep it, slot and all, and the event committed before the upgrade reaches the topic. The shared
 * order-service is stopped meanwhile: the upgraded one joins its consumer group and uses its
 * transactional id, and must not take outcomes meant for it.
 */
class OutboxUpgradeIT extends EndToEndTest {

    @Test
    void anOutboxTheFormerMigrationsMadeIsCarriedOver_withTheEventsItHadNotRelayedYet() throws Exception {
        LocalPostgres former = LocalPostgres.start(Files.createTempDirectory(env.work, "postgres-former-"), LocalPostgres.freePort(), "orders");
        ServiceProcess upgraded = new ServiceProcess("order-service-upgraded", Environment.jar("order-service.jar"), LocalKafka.freePort(),
                Map.of("kafka.bootstrap.servers", env.kafka.bootstrapServers(), "PG_PORT", String.valueOf(former.port())),
                Environment.login(env.kafka, former, "order-service"), env.work);
        try {
            String url = former.jdbcUrl("orders");
            // the service's own migrations up to V5, the last before the outbox was an extension
            Path migrations = Path.of(System.getProperty("e2e.root", "..")).toAbsolutePath().normalize()
                    .resolve("order-service/src/main/resources/db/migration");
            Flyway.configure().dataSource(url, "orders", former.password("orders"))
                    .locations("filesystem:" + migrations).target("5").load().migrate();
            String event = "upgrade-" + System.nanoTime();
            try (Connection c = DriverManager.getConnection(url, "orders", former.password("orders"))) {
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement("insert into outbox values (?, 'chain', ?, 'order:created', ?, 'order-service', 'former', null)");
                     Statement delete = c.createStatement()) {
                    insert.setString(1, event);
                    insert.setString(2, event);
                    insert.setString(3, "{\"id\":\"" + event + "\",\"name\":\"order:created\",\"args\":[\"" + event
                            + "\",\"before the upgrade\",5.00,\"EUR\"],\"timestamp\":\"2026-01-01T00:00:00Z\",\"source\":\"order-service\","
                            + "\"correlationId\":\"" + event + "\",\"causationId\":null}");
                    insert.executeUpdate();
                    delete.executeUpdate("delete from outbox"); // as the service does: the row lives on in the log only
                }
                c.commit();
            }

            env.orders.stop();
            upgraded.start();

            await("the event committed before the upgrade, on the topic").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> EventLog.copies(env.kafka, EventLog.ORDERS).stream().anyMatch(copy -> event.equals(copy.eventId())));
            assertThat(Files.readString(upgraded.log())).doesNotContain("ERROR");
            assertThat(rows(former, "select slot_name from pg_replication_slots")).containsExactly("agentdojo_outbox_orders");
            assertThat(rows(former, "select version || ' ' || success from outbox_schema_history order by installed_rank"))
                    .containsExactly("0 true", "1 true", "2 true");
            assertThat(rows(former, "select version || ' ' || type from flyway_schema_history order by installed_rank"))
                    .as("the service's own history, as Flyway applied it")
                    .containsExactly("1 SQL", "2 SQL", "3 SQL", "4 SQL", "5 SQL");
        } finally {
            upgraded.stop();
            former.stop();
            if (!env.orders.isAlive()) {
                env.orders.start();
            }
        }
    }

    private static List<String> rows(LocalPostgres postgres, String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("orders"), LocalPostgres.USER, postgres.password(LocalPostgres.USER));
             Statement s = c.createStatement(); ResultSet rows = s.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
