package dev.agentdojo.orders;

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
 * {@code quarkus:dev} as a newcomer runs it: with no broker or database configured, the dev stack
 * starts the local Kafka broker and PostgreSQL and logs the service in (here in a directory and on
 * ports of the test's own). A live reload replaces the whole application and leaves nothing of the
 * old one running — no outbox relay holding the replication slot, no listener — and logs no warning
 * or error, from the start on. (A relay of the old application would keep the slot, so the new one
 * could never relay.)
 */
class DevModeReloadTest {

    private static final int PORT = freePort();
    private static final int MANAGEMENT_PORT = freePort();
    private static final Path STACK = stackDirectory();

    @RegisterExtension
    static final QuarkusDevModeTest DEV = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> addMigrations(jar
                    .addPackages(true, "dev.agentdojo.orders.config", "dev.agentdojo.orders.model", "dev.agentdojo.orders.rest",
                            "dev.agentdojo.orders.repository", "dev.agentdojo.orders.service")
                    .addClass(DevModeProbe.class)
                    .addAsResource(new StringAsset(applicationProperties()), "application.properties")))
            .setLogRecordPredicate(record -> true);

    /** The service's own configuration, with no login: the dev stack's servers in a directory of the test's. */
    private static String applicationProperties() {
        try {
            // the service's own HTTP port gives way to the test's (a second value for one key is warned about)
            return Files.readString(Path.of("src/main/resources/application.properties")).replaceAll("(?m)^quarkus\\.(http|management)\\.port=.*$", "") + """

                    quarkus.http.port=%d
                    quarkus.management.port=%d
                    agentdojo.dev-stack.dir=%s
                    agentdojo.dev-stack.kafka-port=%d
                    agentdojo.dev-stack.postgres-port=%d
                    """.formatted(PORT, MANAGEMENT_PORT, STACK, freePort(), freePort());
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

    private static Path stackDirectory() {
        try {
            Path target = Files.createDirectories(Path.of("target"));
            return Files.createTempDirectory(target, "dev-stack-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dev stack's servers outlive dev mode (as for a developer); the test stops the ones it had started. */
    @AfterAll
    static void stopTheStack() throws Exception {
        Path scripts = Path.of("..", "scripts").toAbsolutePath().normalize();
        for (String[] server : List.of(new String[] {"kafka.sh", "KAFKA_DIR", "kafka"}, new String[] {"postgres.sh", "PG_DIR", "postgres"})) {
            ProcessBuilder stop = new ProcessBuilder("bash", scripts.resolve(server[0]).toString(), "stop").inheritIO();
            stop.environment().put(server[1], STACK.resolve(server[2]).toString());
            assertThat(stop.start().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
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
    void theDevStackLogsTheServiceInAndALiveReloadLeavesNothingOfTheOldApplication() {
        assertThat(DEV.getLogRecords()).extracting(DevModeReloadTest::format)
                .anyMatch(line -> line.contains("Dev stack: Kafka on 127.0.0.1:") && line.contains("logged in as order-service"))
                .anyMatch(line -> line.contains("Dev stack: PostgreSQL on 127.0.0.1:") && line.contains("database orders"));
        assertThat(STACK.resolve("kafka/broker.pid")).as("the broker runs from the test's directory").exists();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().port(MANAGEMENT_PORT).get("/q/health/ready").then().statusCode(200));
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
                .as("from the start on: no warning, no error").isEmpty();
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
