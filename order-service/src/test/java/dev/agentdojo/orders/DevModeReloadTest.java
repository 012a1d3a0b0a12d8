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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
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
 * running — no timer of the payment retry sweep, no listener — and logs no error. (A timer of the old
 * application would use its closed datasource, which logs an error.)
 */
class DevModeReloadTest {

    private static final int PORT = freePort();
    private static final LocalPostgres POSTGRES = startPostgres();

    @RegisterExtension
    static final QuarkusDevModeTest DEV = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> addMigrations(jar
                    .addPackages(true, "dev.agentdojo.orders.config", "dev.agentdojo.orders.rest", "dev.agentdojo.orders.service")
                    .addClass(DevModeProbe.class)
                    .addAsResource(new StringAsset(applicationProperties()), "application.properties")))
            .setLogRecordPredicate(record -> true);

    /**
     * The service's own configuration, with the in-memory connector instead of a broker, a real
     * PostgreSQL and a quick retry sweep.
     */
    private static String applicationProperties() {
        try {
            return Files.readString(Path.of("src/main/resources/application.properties")) + """

                    mp.messaging.outgoing.agent-dojo-out.connector=smallrye-in-memory
                    mp.messaging.incoming.agent-dojo-in.connector=smallrye-in-memory
                    orders.payment-retry-after=1s
                    quarkus.http.port=%d
                    quarkus.datasource.jdbc.url=%s
                    """.formatted(PORT, POSTGRES.jdbcUrl("orders"));
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
    void aLiveReloadLeavesNoTimerOrListenerOfTheOldApplicationAndLogsNoError() {
        // an order nobody pays: the retry sweep asks for its payment again after a second
        given().contentType("application/json").body("{\"customer\":\"dev\",\"amount\":5}")
                .post("/orders").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> logged("is still pending"));
        // the order outlives the reload (it is in the database): settle it, so that no sweep, old or new, asks again
        settle();

        DEV.modifySourceFile(DevModeProbe.class, source -> source.replace("before the edit", "after the edit"));
        // the first request after an edit reloads the application
        given().get("/dev-probe").then().statusCode(200).body(equalTo("after the edit"));
        int afterReload = DEV.getLogRecords().size();

        // three sweep periods: a timer of the old application would ask again for its pending order
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
        List<LogRecord> since = List.copyOf(DEV.getLogRecords().subList(afterReload, DEV.getLogRecords().size()));
        assertThat(since).extracting(DevModeReloadTest::format)
                .as("after the reload: nothing from the old application, no warning, no error")
                .noneMatch(line -> line.contains("is still pending"))
                .noneMatch(line -> line.contains("Exception"));
        assertThat(since).filteredOn(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .extracting(DevModeReloadTest::format).isEmpty();
        given().get("/orders").then().statusCode(200);
    }

    private static void settle() {
        try (Connection c = DriverManager.getConnection(POSTGRES.jdbcUrl("orders"), LocalPostgres.USER, "");
             Statement update = c.createStatement()) {
            assertThat(update.executeUpdate("update orders set status = 'CONFIRMED' where status = 'PENDING'")).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean logged(String text) {
        return DEV.getLogRecords().stream().anyMatch(r -> format(r).contains(text));
    }

    private static String format(LogRecord record) {
        String message = record.getParameters() == null ? record.getMessage()
                : String.format(record.getMessage().replaceAll("\\{\\d+}", "%s"), record.getParameters());
        return record.getLevel() + " " + record.getLoggerName() + " " + message
                + (record.getThrown() == null ? "" : " " + record.getThrown());
    }
}
