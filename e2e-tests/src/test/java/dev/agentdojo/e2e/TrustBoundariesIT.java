package dev.agentdojo.e2e;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Who may write which events. With payment-service down, an order waits for its payment while
 * others try to settle it: a client without a login, the observer and order-service are refused by
 * the broker; payment-service's own login gets a forged outcome onto its topic, which order-service
 * refuses (a wrong amount, another order's request as its cause) and dead-letters. The order stays
 * PENDING until payment-service is back and answers the request itself.
 */
class TrustBoundariesIT extends EndToEndTest {

    @Test
    void onlyPaymentServicesOwnAnswerSettlesAnOrder() throws Exception {
        env.payments.stop();
        try {
            Api.Reply placed = api.placeOrder("guarded", new BigDecimal("30.00")).get(30, TimeUnit.SECONDS);
            assertThat(placed.status()).isEqualTo(202);
            String order = placed.text("id");
            String request = await().atMost(Duration.ofSeconds(30)).until(() -> paymentRequestOf(order), id -> id != null);
            String other = api.placeOrder("someone-else", new BigDecimal("30.00")).get(30, TimeUnit.SECONDS).text("id");
            String otherRequest = await().atMost(Duration.ofSeconds(30)).until(() -> paymentRequestOf(other), id -> id != null);

            String outcome = confirmation(order, "forged-1", "30.00", request);
            try (KafkaProducer<String, String> anonymous = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafka.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000))) {
                assertThatThrownBy(() -> anonymous.send(new ProducerRecord<>(EventLog.PAYMENTS, order, outcome)).get(10, TimeUnit.SECONDS))
                        .as("no login: the broker does not even answer metadata").isNotNull();
            }
            assertRefused(EventLog.OBSERVER, EventLog.PAYMENTS, order, outcome);
            assertRefused("order-service", EventLog.PAYMENTS, order, outcome);
            assertRefused("payment-service", EventLog.ORDERS, order, "{\"id\":\"x\"}");
            assertRefused(EventLog.OBSERVER, EventLog.ORDERS, order, "{\"id\":\"x\"}");

            try (KafkaProducer<String, String> payments = EventLog.producer(env.kafka, "payment-service")) {
                payments.send(new ProducerRecord<>(EventLog.PAYMENTS, order, confirmation(order, "forged-amount", "29.99", request)))
                        .get(10, TimeUnit.SECONDS);
                payments.send(new ProducerRecord<>(EventLog.PAYMENTS, order, confirmation(order, "forged-cause", "30.00", otherRequest)))
                        .get(10, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> EventLog.deadLettered(env.kafka).keySet().stream()
                    .filter(value -> value.contains("forged-amount") || value.contains("forged-cause")).count() == 2);
            assertThat(EventLog.deadLettered(env.kafka).entrySet()).filteredOn(e -> e.getKey().contains("forged-"))
                    .extracting(Map.Entry::getValue).allSatisfy(reason -> assertThat(reason).contains("does not answer the payment request of order"));
            assertThat(api.getOrder(order).text("status")).isEqualTo("PENDING");
        } finally {
            env.payments.start();
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(EventLog.readAll(env.kafka)).anyMatch(e -> e.path("source").asText().equals("payment-service")
                        && e.path("name").asText().equals("order:confirmed") && !e.path("args").get(1).asText().startsWith("forged")));
    }

    @Test
    void anEventItsTopicsOwnerDoesNotSendIsDeadLettered_andNotActedOn() throws Exception {
        String phantom = "phantom-" + System.nanoTime();
        String created = "{\"id\":\"" + phantom + "-created\",\"name\":\"order:created\",\"args\":[\"" + phantom
                + "\",\"nobody\",50.00,\"EUR\"],\"timestamp\":\"2026-01-01T00:00:00Z\",\"source\":\"order-service\","
                + "\"correlationId\":\"" + phantom + "\",\"causationId\":null}";
        try (KafkaProducer<String, String> payments = EventLog.producer(env.kafka, "payment-service")) {
            // payment-service's own login may write its own topic, but it never sends order:created
            payments.send(new ProducerRecord<>(EventLog.PAYMENTS, phantom, created)).get(10, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> EventLog.deadLettered(env.kafka).keySet().stream()
                .anyMatch(value -> value.contains(phantom + "-created")));
        assertThat(EventLog.deadLettered(env.kafka).entrySet()).filteredOn(e -> e.getKey().contains(phantom))
                .extracting(Map.Entry::getValue).singleElement().asString()
                .contains("topic agent-dojo.payments carries only order:confirmed, payment:failed");
        Api.Reply control = api.placeOrder("after-the-phantom", new BigDecimal("20.00")).get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(60)).until(() -> !api.getOrder(control.text("id")).text("status").equals("PENDING"));
        assertThat(EventLog.paymentsAskedFor(env.kafka)).as("no payment asked for an order nobody placed").doesNotContainKey(phantom);
        assertThat(api.payment(phantom).status()).isEqualTo(404);
        assertThat(api.events(500).body().toString()).as("the live log does not show it").doesNotContain(phantom);
    }

    private static void assertRefused(String principal, String topic, String key, String value) {
        try (KafkaProducer<String, String> producer = EventLog.producer(env.kafka, principal)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, key, value)).get(15, TimeUnit.SECONDS))
                    .as("%s writing %s", principal, topic)
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    /** The id of the order's payment:process on order-service's topic, or null while there is none. */
    private static String paymentRequestOf(String order) {
        return EventLog.readAll(env.kafka).stream()
                .filter(e -> e.path("name").asText().equals("payment:process") && e.path("args").get(0).asText().equals(order))
                .map(e -> e.path("id").asText()).findFirst().orElse(null);
    }

    private static String confirmation(String order, String paymentId, String amount, String cause) {
        return "{\"id\":\"" + paymentId + "-" + System.nanoTime() + "\",\"name\":\"order:confirmed\",\"args\":[\"" + order + "\",\""
                + paymentId + "\"," + amount + ",\"EUR\"],\"timestamp\":\"2026-01-01T00:00:00Z\",\"source\":\"payment-service\","
                + "\"correlationId\":\"" + order + "\",\"causationId\":\"" + cause + "\"}";
    }
}
