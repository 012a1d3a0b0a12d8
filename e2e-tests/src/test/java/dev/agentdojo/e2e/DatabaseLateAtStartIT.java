package dev.agentdojo.e2e;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service started while its database is still away (as a container may start before its
 * database is up) waits for it rather than exit, and is ready once it is back.
 */
class DatabaseLateAtStartIT extends EndToEndTest {

    @Test
    void aServiceStartedBeforeItsDatabaseWaitsForItAndIsReadyOnceItIsBack() throws Exception {
        ServiceProcess late = env.another("order-service", "order-service-before-db");
        Thread databaseComesBack = new Thread(() -> {
            try {
                Thread.sleep(10_000); // the database is away for the service's first tries, then comes back
                env.postgres.restart();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            env.postgres.stop();
            databaseComesBack.start();
            late.start(); // waits up to 90 s for readiness; fails at once if the process exits
            databaseComesBack.join();
            assertThat(Files.readString(late.log())).doesNotContain("Failed to start");
            Api lateApi = new Api(late, env.payments);
            String id = lateApi.placeOrder("before-db", new BigDecimal("7.00")).join().text("id");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> "CONFIRMED".equals(lateApi.getOrder(id).text("status")));
        } finally {
            databaseComesBack.join();
            late.stop();
            if (!env.postgres.isRunning()) {
                env.postgres.restart();
            }
        }
    }
}
