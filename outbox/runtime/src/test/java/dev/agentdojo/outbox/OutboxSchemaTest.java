package dev.agentdojo.outbox;

import dev.agentdojo.postgres.LocalPostgres;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox's own migrations on a real PostgreSQL: they make the table, the publication and the
 * slot on a service's database that has none, do nothing the second time, and carry over an outbox
 * that the services' former migrations made — its slot (and with it every event committed but not
 * yet relayed) kept as it was.
 */
class OutboxSchemaTest {

    private static LocalPostgres postgres;

    @BeforeAll
    static void startServer() throws IOException {
        Path target = Files.createDirectories(Path.of("target"));
        postgres = LocalPostgres.start(Files.createTempDirectory(target, "outbox-schema-postgres-"), LocalPostgres.freePort(), "fresh", "former", "slotless");
    }

    @AfterAll
    static void stopServer() {
        postgres.stop();
    }

    @Test
    void aServicesDatabaseWithoutAnOutboxGetsItsTablePublicationAndSlot_once() throws SQLException {
        PGSimpleDataSource database = login("fresh");
        execute(database, "create table if not exists orders (id varchar(36) primary key)"); // the service's own, migrated first

        MigrateResult first = OutboxSchema.migrate(database);
        MigrateResult second = OutboxSchema.migrate(database);

        assertThat(first.migrationsExecuted).isEqualTo(2);
        assertThat(first.targetSchemaVersion).isEqualTo("2");
        assertThat(second.migrationsExecuted).isZero();
        assertThat(second.initialSchemaVersion).isEqualTo("2");
        assertThat(columns(database)).containsExactly("id", "aggregatetype", "aggregateid", "type", "payload", "source", "instance",
                "traceparent");
        assertThat(strings(database, "select tablename from pg_publication_tables where pubname = 'agentdojo_outbox'"))
                .containsExactly("outbox");
        assertThat(strings(database, "select slot_name from pg_replication_slots where database = 'fresh'"))
                .containsExactly(RelaySettings.slotName("fresh"));
        assertThat(strings(database, "select version || ':' || success from " + OutboxSchema.HISTORY + " order by installed_rank"))
                .containsExactly("0:true", "1:true", "2:true");
    }

    @Test
    void anOutboxTheFormerServiceMigrationsMadeIsKept_slotAndUnsentEventsIncluded() throws SQLException {
        PGSimpleDataSource database = login("former");
        // what the services' V3, V4 and V5/V6 did before the outbox became an extension
        execute(database, """
                create table outbox (id varchar(64) primary key, aggregatetype varchar(64) not null, aggregateid varchar(64) not null,
                    type varchar(255) not null, payload text not null, source varchar(255) not null, instance varchar(255) not null);
                create publication agentdojo_outbox for table outbox with (publish = 'insert')""");
        execute(database, "select pg_create_logical_replication_slot('agentdojo_outbox_former', 'pgoutput')");
        execute(database, "alter table outbox add column traceparent varchar(64)");
        execute(database, "insert into outbox values ('e-1', 'chain', 'order-1', 'order:created', '{}', 'order-service', 'i-1', null)");
        List<String> slotBefore = strings(database,
                "select slot_name || ' ' || restart_lsn || ' ' || confirmed_flush_lsn from pg_replication_slots where database = 'former'");

        MigrateResult result = OutboxSchema.migrate(database);

        assertThat(result.migrationsExecuted).isEqualTo(2);
        assertThat(strings(database, "select id from outbox")).as("the rows").containsExactly("e-1");
        assertThat(strings(database,
                "select slot_name || ' ' || restart_lsn || ' ' || confirmed_flush_lsn from pg_replication_slots where database = 'former'"))
                .as("the same slot, at the same place: what was committed and not yet relayed is still in it")
                .isEqualTo(slotBefore).hasSize(1);
        assertThat(strings(database, "select tablename from pg_publication_tables where pubname = 'agentdojo_outbox'"))
                .containsExactly("outbox");
        assertThat(columns(database)).endsWith("traceparent").doesNotHaveDuplicates();
    }

    @Test
    void anOutboxMadeBeforeWhoseSlotIsGoneGetsNoNewSlot_theRelaySaysItIsMissing() throws SQLException {
        PGSimpleDataSource database = login("slotless");
        execute(database, """
                create table outbox (id varchar(64) primary key, aggregatetype varchar(64) not null, aggregateid varchar(64) not null,
                    type varchar(255) not null, payload text not null, source varchar(255) not null, instance varchar(255) not null,
                    traceparent varchar(64));
                create publication agentdojo_outbox for table outbox with (publish = 'insert')""");

        OutboxSchema.migrate(database);

        assertThat(strings(database, "select slot_name from pg_replication_slots where database = 'slotless'"))
                .as("a slot made now would start at the end of the log, past what was committed since the old one's position")
                .isEmpty();
    }

    @Test
    void everyMigrationInTheFolderIsListed() throws IOException {
        try (var files = Files.list(Path.of("src/main/resources/db/outbox"))) {
            assertThat(files.map(file -> file.getFileName().toString()).sorted().toList()).isEqualTo(OutboxSchema.MIGRATIONS);
        }
    }

    private static PGSimpleDataSource login(String name) {
        PGSimpleDataSource database = new PGSimpleDataSource();
        database.setUrl(postgres.jdbcUrl(name));
        database.setUser(name);
        database.setPassword(postgres.password(name));
        return database;
    }

    private static void execute(PGSimpleDataSource database, String sql) throws SQLException {
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> columns(PGSimpleDataSource database) throws SQLException {
        return strings(database, "select column_name from information_schema.columns where table_name = 'outbox' order by ordinal_position");
    }

    private static List<String> strings(PGSimpleDataSource database, String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = database.getConnection(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
