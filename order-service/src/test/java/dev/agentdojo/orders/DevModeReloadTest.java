package dev.agentdojo.orders;

import dev.agentdojo.postgres.LocalPostgres;
import io.quarkus.test.QuarkusDevModeTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.awaitility.Awaitility.await;

/**
 * {@code quarkus:dev}: a live reload replaces the whole application and leaves nothing of the old one
 * running — no outbox relay holding the replication slot, no listener — and logs no warning or error,
 * from the start on. (A relay of the old application would keep the slot, so the new one could never
 * relay; an entity that disagrees with its migration makes Hibernate's schema check log an error.)
 */
class DevModeReloadTest {

    private static final int PORT = freePort();
    private static final LocalPostgres POSTGRES = startPostgres();

    @RegisterExtension
    static final QuarkusDevModeTest DEV = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> addMigrations(jar
                    .addPackages(true, "dev.agentdojo.orders.config", "dev.agentdojo.orders.rest", "dev.agentdojo.orders.repository",
                            "dev.agentdojo.orders.service")
                    .addClass(DevModeProbe.class)
                    .addAsResource(new StringAsset(applicationProperties()), "application.properties")))
            .setLogRecordPredicate(record -> true);

    /**
     * The service's own configuration, with the in-memory connector instead of a broker, and a real
     * PostgreSQL.
     */
    private static String applicationProperties() {
        try {
            // the service's own HTTP port gives way to the test's (a second value for one key is warned about)
            return Files.readString(Path.of("src/main/resources/application.properties")).replaceAll("(?m)^quarkus\\.(http|management)\\.port=.*$", "") + """

                    mp.messaging.outgoing.agent-dojo-out.connector=smallrye-in-memory
                    mp.messaging.incoming.agent-dojo-in.connector=smallrye-in-memory
                    quarkus.http.port=%d
                    quarkus.management.port=%d
                    quarkus.datasource.jdbc.url=%s
                    quarkus.datasource.password=%s
                    """.formatted(PORT, freePort(), POSTGRES.jdbcUrl("orders"), POSTGRES.password("orders"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every Flyway migration of the service, as the application has them. */
    private static JavaArchive addMigrations(JavaArchive jar) {
        try (Stream<Path> migrations = Files.list(Path.of("src/main/resources/db/migration"))) {
            migrations.forEach(migration -> jar.addAsResource(migration.toFile(), "db/migration/" + migration.getFileName()));
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LocalPostgres startPostgres() {
        try {
            Path target = Files.createDirectories(Path.of("target"));
            return LocalPostgres.start(Files.createTempDirectory(target, "postgres-dev-"), LocalPostgres.freePort(), "orders");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopPostgres() {
        POSTGRES.stop();
    }

    @BeforeEach
    void useDevModePort() {
        RestAssured.port = PORT;
    }

    @AfterEach
    void restorePort() {
        RestAssured.reset();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aLiveReloadLeavesNoRelayOrListenerOfTheOldApplicationAndLogsNoError() {
        given().contentType("application/json").body("{\"customer\":\"dev\",\"amount\":5}")
                .post("/orders").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> count("Outbox relay running") == 1);

        DEV.modifySourceFile(DevModeProbe.class, source -> source.replace("before the edit", "after the edit"));
        // the first request after an edit reloads the application
        given().get("/dev-probe").then().statusCode(200).body(equalTo("after the edit"));
        int afterReload = DEV.getLogRecords().size();

        // the new application's relay takes the slot the old one gave back, and relays the new order
        given().contentType("application/json").body("{\"customer\":\"dev\",\"amount\":6}")
                .post("/orders").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> count("Outbox relay running") == 2);
        assertThat(DEV.getLogRecords()).filteredOn(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .extracting(DevModeReloadTest::format)
                .as("from the start on: no warning, no error (entity mappings agree with the migrations)").isEmpty();
        List<LogRecord> since = List.copyOf(DEV.getLogRecords().subList(afterReload, DEV.getLogRecords().size()));
        assertThat(since).extracting(DevModeReloadTest::format)
                .as("after the reload: nothing from the old application, no warning, no error")
                .noneMatch(line -> line.contains("Exception"))
                .noneMatch(line -> line.contains("Outbox relay not running"));
        assertThat(since).filteredOn(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .extracting(DevModeReloadTest::format).isEmpty();
        given().get("/orders").then().statusCode(200);
    }

    private static long count(String text) {
        return DEV.getLogRecords().stream().filter(r -> format(r).contains(text)).count();
    }

    private static String format(LogRecord record) {
        String message = record.getParameters() == null ? record.getMessage()
                : String.format(record.getMessage().replaceAll("\\{\\d+}", "%s"), record.getParameters());
        return record.getLevel() + " " + record.getLoggerName() + " " + message
                + (record.getThrown() == null ? "" : " " + record.getThrown());
    }
}
