package dev.agentdojo.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The chain across two real services and a real broker, as a user drives it over HTTP. */
class OrderChainIT extends EndToEndTest {

    private static final Duration FINAL_WITHIN = Duration.ofSeconds(60);


    @Test
    void anOrderIsConfirmedWithItsThreeEventChainAcrossBothServices() {
        Api.Reply placed = api.placeOrder("ada", new BigDecimal("42.00")).join();
        assertThat(placed.status()).isEqualTo(202);
        String id = placed.text("id");

        await().atMost(FINAL_WITHIN).until(() -> "CONFIRMED".equals(api.getOrder(id).text("status")));

        JsonNode chain = api.chain(id).body();
        List<String> events = texts(chain.path("hops"), "event");
        List<String> services = texts(chain.path("hops"), "service");
        assertThat(events).containsExactly("order:created", "payment:process", "order:confirmed");
        assertThat(services).containsExactly("order-service", "order-service", "payment-service");
        assertThat(texts(chain.path("hops").get(1).path("handledBy"), null)).containsExactly("payment-service");
        String correlation = chain.path("correlationId").asText();
        assertThat(chain.path("hops").get(2).path("causationId").asText()).isEqualTo(chain.path("hops").get(1).path("id").asText());
        assertThat(correlation).isEqualTo(chain.path("hops").get(0).path("id").asText());
        assertThat(api.payment(id).text("status")).isEqualTo("APPROVED");
    }

    @Test
    void anOrderAboveThePaymentLimitEndsInPaymentFailed() {
        String id = api.placeOrder("big spender", new BigDecimal("25000")).join().text("id");

        await().atMost(FINAL_WITHIN).until(() -> "PAYMENT_FAILED".equals(api.getOrder(id).text("status")));

        assertThat(api.getOrder(id).text("reason")).contains("exceeds the limit");
        assertThat(texts(api.chain(id).body().path("hops"), "event"))
                .containsExactly("order:created", "payment:process", "payment:failed");
        assertThat(api.payment(id).text("status")).isEqualTo("DECLINED");
    }

    @Test
    void twoHundredConcurrentOrdersAllReachAFinalState() {
        List<CompletableFuture<Api.Reply>> placed = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            placed.add(api.placeOrder("customer-" + i, new BigDecimal(i % 10 == 0 ? "15000" : "10." + (i % 100))));
        }
        List<String> ids = placed.stream().map(CompletableFuture::join)
                .peek(reply -> assertThat(reply.status()).isEqualTo(202))
                .map(reply -> reply.text("id"))
                .toList();

        await().atMost(FINAL_WITHIN).pollInterval(Duration.ofMillis(500))
                .until(() -> ids.stream().allMatch(id -> !"PENDING".equals(api.getOrder(id).text("status"))));

        Set<String> statuses = ids.stream().map(id -> api.getOrder(id).text("status")).collect(Collectors.toSet());
        assertThat(statuses).containsExactlyInAnyOrder("CONFIRMED", "PAYMENT_FAILED");
        assertThat(ids).allSatisfy(id -> assertThat(api.payment(id).status()).isEqualTo(200));
    }

    @Test
    void bothServicesExposeTheirMetricsHealthAndOpenApiOnTheManagementPortOnly() throws Exception {
        String id = api.placeOrder("metrics", new BigDecimal("3")).join().text("id");
        await().atMost(FINAL_WITHIN).until(() -> "CONFIRMED".equals(api.getOrder(id).text("status")));

        for (ServiceProcess service : List.of(env.orders, env.payments)) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String metrics = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(service.managementUrl() + "/q/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            for (String management : List.of("/q/metrics", "/q/health/ready", "/q/openapi")) { // apart from the API
                assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(service.baseUrl() + management)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode()).as(service.baseUrl() + management).isEqualTo(404);
                assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(service.managementUrl() + management)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode()).as(service.managementUrl() + management).isEqualTo(200);
            }
            assertThat(metrics).as(service.baseUrl()).contains("agentdojo_bridge_consumed_total", "agentdojo_bridge_published_total",
                    "agentdojo_events_received_total", "kafka_consumer_fetch_manager_records_lag");
        }
    }

    static List<String> texts(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(node -> field == null ? node.asText() : node.path(field).asText())
                .toList();
    }
}
