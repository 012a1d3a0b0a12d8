package dev.agentdojo.e2e;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service started while its database is still away (as a container may start before its
 * database is up) waits for it rather than exit, and is ready once it is back: the database returns
 * once the service has found it away and said it tries again.
 */
class DatabaseLateAtStartIT extends EndToEndTest {

    @Test
    void aServiceStartedBeforeItsDatabaseWaitsForItAndIsReadyOnceItIsBack() throws Exception {
        ServiceProcess late = env.another("order-service", "order-service-before-db");
        try {
            env.postgres.stop();
            // waits up to 90 s for readiness; fails at once if the process exits
            CompletableFuture<ServiceProcess> ready = CompletableFuture.supplyAsync(late::start);
            await("the service tries the database, finds it away, and keeps trying")
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .failFast("the service stopped trying", ready::isDone)
                    .until(() -> Files.exists(late.log()) && Files.readString(late.log()).contains("Retrying in"));
            env.postgres.restart();
            ready.get(90, TimeUnit.SECONDS);
            assertThat(Files.readString(late.log())).doesNotContain("Failed to start");
            Api lateApi = new Api(late, env.payments);
            String id = lateApi.placeOrder("before-db", new BigDecimal("7.00")).join().text("id");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> "CONFIRMED".equals(lateApi.getOrder(id).text("status")));
        } finally {
            late.stop();
            if (!env.postgres.isRunning()) {
                env.postgres.restart();
            }
        }
    }
}
