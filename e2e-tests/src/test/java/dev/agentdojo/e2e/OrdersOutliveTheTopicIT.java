package dev.agentdojo.e2e;

import dev.agentdojo.kafka.LocalKafka;
import dev.agentdojo.postgres.LocalPostgres;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The state is the database's, not the topic's: orders placed, everything stopped, the broker's data
 * folder deleted (as retention would delete old events), everything started again — every order and
 * payment is still there, and new orders go through on the new, empty topic. A product of its own
 * (broker, database, both services), so the shared one is not disturbed.
 */
class OrdersOutliveTheTopicIT {

    @Test
    void everyOrderAndPaymentIsStillThereAfterTheBrokersDataIsDeleted() throws Exception {
        Path work = Path.of(System.getProperty("e2e.work", "target/e2e")).resolve("outlive-" + System.currentTimeMillis());
        int kafkaPort = LocalKafka.freePort();
        LocalKafka kafka = LocalKafka.start(work.resolve("kafka"), kafkaPort);
        LocalPostgres postgres = LocalPostgres.start(work.resolve("postgres"), LocalPostgres.freePort(), "orders", "payments");
        Map<String, String> common = Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(), "PG_PORT", String.valueOf(postgres.port()));
        ServiceProcess orders = new ServiceProcess("order-service", Environment.jar("order-service.jar"), LocalKafka.freePort(), common,
                Environment.login(kafka, postgres, "order-service"), work);
        ServiceProcess payments = new ServiceProcess("payment-service", Environment.jar("payment-service.jar"), LocalKafka.freePort(), common,
                Environment.login(kafka, postgres, "payment-service"), work);
        try {
            payments.start();
            orders.start();
            Api api = new Api(orders, payments);
            List<String> placed = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Api.Reply reply = api.placeOrder("kept-" + i, new BigDecimal(i % 5 == 0 ? "20000" : "9.99")).get(30, TimeUnit.SECONDS);
                assertThat(reply.status()).isEqualTo(202);
                placed.add(reply.text("id"));
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> placed.stream().noneMatch(id -> "PENDING".equals(api.getOrder(id).text("status"))));
            Map<String, String> before = new HashMap<>();
            for (String id : placed) {
                before.put(id, api.getOrder(id).body().toString() + api.payment(id).body().toString());
            }

            orders.stop();
            payments.stop();
            kafka.stop();
            deleteFolder(work.resolve("kafka").resolve("data")); // every event gone, as after the topics' retention (the logins stay)
            kafka = LocalKafka.start(work.resolve("kafka"), kafkaPort);
            payments.start();
            orders.start();

            for (String id : placed) {
                assertThat(api.getOrder(id).body().toString() + api.payment(id).body().toString())
                        .as("order %s and its payment after the topic was deleted", id).isEqualTo(before.get(id));
            }
            Api.Reply fresh = api.placeOrder("after", new BigDecimal("5.00")).get(30, TimeUnit.SECONDS);
            assertThat(fresh.status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> "CONFIRMED".equals(api.getOrder(fresh.text("id")).text("status")));
            System.out.printf("%d orders and their payments outlived the deletion of the broker's data; a new one went through%n",
                    placed.size());
        } finally {
            orders.stop();
            payments.stop();
            kafka.stop();
            postgres.stop();
        }
    }

    private static void deleteFolder(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
