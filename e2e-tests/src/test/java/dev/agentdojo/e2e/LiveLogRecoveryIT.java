package dev.agentdojo.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live event log ({@code GET /events}, the page's stream) of a service started while the broker
 * is away, and first asked for then: it follows the topic by itself once the broker is back.
 */
class LiveLogRecoveryIT extends EndToEndTest {

    @Test
    void aServiceStartedWhileTheBrokerIsAwayShowsTheChainOfAnOrderPlacedAfterTheBrokerCame() {
        ServiceProcess late = env.another("order-service", "order-service-late");
        try {
            env.kafka.stop();
            late.startLive();
            Api lateApi = new Api(late, env.payments);
            assertThat(lateApi.events(50).status()).as("the log answers while the broker is away").isEqualTo(200);

            env.kafka.restart();
            String id = lateApi.placeOrder("late-log", new BigDecimal("12.00")).join().text("id");

            await("the order's chain on the late instance's log").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> eventsOf(lateApi, id).contains("order:confirmed"));
            assertThat(eventsOf(lateApi, id)).as("each event once, in order")
                    .containsExactly("order:created", "payment:process", "order:confirmed");
            System.out.printf("live log of an instance started while the broker was away: %s%n", eventsOf(lateApi, id));
        } finally {
            late.stop();
            if (!env.kafka.isRunning()) {
                env.kafka.restart();
            }
        }
    }

    private static List<String> eventsOf(Api api, String orderId) {
        List<String> names = new ArrayList<>();
        JsonNode events = api.events(1000).body();
        if (events != null) {
            for (JsonNode event : events) {
                if (event.path("args").path(0).asText().equals(orderId)) {
                    names.add(event.path("name").asText());
                }
            }
        }
        return names;
    }
}
