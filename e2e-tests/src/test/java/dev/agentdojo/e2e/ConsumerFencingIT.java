package dev.agentdojo.e2e;

import dev.agentdojo.kafka.LocalKafka;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.URI;
import java.util.HashMap;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A second order-service started with the same static member id ({@code group.instance.id}, set
 * by hand to the first one's: by default each instance has its own) fences the first one's consumer:
 * the fenced instance says so on its readiness, keeps its liveness, and is ready again by itself
 * once the other is gone.
 */
class ConsumerFencingIT extends EndToEndTest {

    @Test
    void anInstanceFencedByASiblingWithTheSameMemberIdIsNotReadyUntilTheSiblingLeaves() throws Exception {
        Map<String, String> sameMemberId = new HashMap<>(env.common);
        sameMemberId.put("event-bus.bridge.instance-id", "order-service-" + InetAddress.getLocalHost().getHostName()
                + "-" + URI.create(env.orders.baseUrl()).getPort()); // what env.orders has by default
        ServiceProcess twin = new ServiceProcess("order-service-twin", Environment.jar("order-service.jar"),
                LocalKafka.freePort(), sameMemberId, Environment.login(env.kafka, env.postgres, "order-service"), env.work.resolve("fencing-" + System.nanoTime()));
        try {
            assertThat(env.orders.ready()).isTrue();
            twin.startLive();
            long twinUp = System.nanoTime();

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .alias("the fenced instance's readiness goes DOWN").until(() -> !env.orders.ready());
            System.out.printf("order-service fenced by its twin: readiness DOWN %d ms after the twin answered HTTP%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - twinUp));
            assertThat(env.orders.live()).as("liveness stays UP: the process is fine").isTrue();
        } finally {
            twin.stop();
        }

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .alias("ready again by itself once the twin is gone").until(env.orders::ready);
        Api.Reply placed = api.placeOrder("after-fencing", new BigDecimal("12.00")).get(30, TimeUnit.SECONDS);
        assertThat(placed.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> "CONFIRMED".equals(api.getOrder(placed.text("id")).text("status")));
    }
}
