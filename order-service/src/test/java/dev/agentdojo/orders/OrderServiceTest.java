package dev.agentdojo.orders;

import dev.agentdojo.postgres.PostgresTestResource;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.Bridge;
import dev.agentdojo.orders.service.Orders;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.smallrye.reactive.messaging.memory.InMemorySource;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

/**
 * order-service's REST contract and workflow, with payment-service played by the test through the
 * in-memory connector: what order-service sends arrives in {@code sent}, what it receives is put
 * in {@code received}.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "orders"))
class OrderServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    @Connector("smallrye-in-memory")
    InMemoryConnector connector;

    @Inject
    EventBus bus;

    @Inject
    Orders orders;

    private InMemorySink<String> sent;
    private InMemorySource<String> received;

    @BeforeEach
    void connect() {
        sent = connector.sink(Bridge.OUTGOING);
        received = connector.source(Bridge.INCOMING);
        sent.clear();
    }

    @Test
    void placingAnOrderAnswers202WithItsLocationAndItIsPending() {
        String location = given().contentType(ContentType.JSON)
                .body("{\"customer\":\"ada\",\"amount\":12.50,\"currency\":\"USD\"}")
                .when().post("/orders")
                .then().statusCode(202)
                .body("status", equalTo("PENDING"))
                .body("customer", equalTo("ada"))
                .body("amount", equalTo(12.50f))
                .body("currency", equalTo("USD"))
                .header("Location", matchesPattern(".*/orders/[0-9a-f-]{36}"))
                .extract().header("Location");

        given().when().get(location).then().statusCode(200).body("status", equalTo("PENDING"));
    }

    @Test
    void theCurrencyDefaultsToEur() {
        given().contentType(ContentType.JSON).body("{\"customer\":\"ada\",\"amount\":1}")
                .when().post("/orders")
                .then().statusCode(202).body("currency", equalTo("EUR"));
    }

    @Test
    void aPlacedOrderSendsOrderCreatedAndPaymentProcessInOneChain() {
        String id = place("ada", "99.90");

        await().atMost(WAIT).until(() -> sent.received().size() >= 2);
        String created = sent.received().get(0).getPayload();
        String process = sent.received().get(1).getPayload();
        assertThat(created).contains("\"name\":\"order:created\"", "\"args\":[\"" + id + "\",\"ada\",99.90,\"EUR\"]");
        assertThat(process).contains("\"name\":\"payment:process\"", "\"args\":[\"" + id + "\",99.90,\"EUR\",false]");
        String createdId = field(created, "id");
        assertThat(field(process, "causationId")).isEqualTo(createdId);
        assertThat(field(process, "correlationId")).isEqualTo(createdId);
    }

    @Test
    void orderConfirmedFromPaymentServiceConfirmsTheOrderAndCompletesItsChain() {
        String id = place("ada", "10");
        await().atMost(WAIT).until(() -> sent.received().size() >= 2);
        String process = sent.received().get(1).getPayload();

        received.send(envelope("order:confirmed", "[\"" + id + "\",\"pay-1\",10,\"EUR\"]",
                field(process, "correlationId"), field(process, "id")));

        await().atMost(WAIT).until(() -> orders.find(id).orElseThrow().status().isFinal());
        given().when().get("/orders/" + id).then().statusCode(200)
                .body("status", equalTo("CONFIRMED"))
                .body("paymentId", equalTo("pay-1"));
        given().when().get("/orders/" + id + "/events").then().statusCode(200)
                .body("status", equalTo("CONFIRMED"))
                .body("hops.event", contains("order:created", "payment:process", "order:confirmed"))
                .body("hops.service", contains("order-service", "order-service", "payment-service"))
                .body("hops[1].handledBy", contains("payment-service"))
                .body("hops[0].sinceFirstMs", equalTo(0))
                .body("correlationId", notNullValue());
    }

    @Test
    void paymentFailedMarksTheOrderWithTheReasonAndALaterOutcomeChangesNothing() {
        String id = place("bob", "20000");
        await().atMost(WAIT).until(() -> sent.received().size() >= 2);

        received.send(envelope("payment:failed", "[\"" + id + "\",\"amount too large\",20000,\"EUR\"]", "c-" + id, null));
        await().atMost(WAIT).until(() -> orders.find(id).orElseThrow().status().isFinal());
        received.send(envelope("order:confirmed", "[\"" + id + "\",\"pay-late\",20000,\"EUR\"]", "c-" + id, null));

        await().atMost(WAIT).until(() -> bus.getHistory("order:confirmed").stream().anyMatch(e -> id.equals(e.arg(0))));
        given().when().get("/orders/" + id).then()
                .body("status", equalTo("PAYMENT_FAILED"))
                .body("reason", equalTo("amount too large"));
    }

    @Test
    void anOrderStillPendingAfterTheRetryDelayHasItsPaymentAskedForAgainInTheSameChain() {
        String id = place("patient", "7");
        await().atMost(WAIT).until(() -> sent.received().size() >= 2);
        String created = sent.received().get(0).getPayload();

        // payment-service does not answer: order-service asks again after orders.payment-retry-after (2 s in tests)
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.received().stream()
                .filter(m -> m.getPayload().contains("\"name\":\"payment:process\"") && m.getPayload().contains(id))
                .count() >= 2);
        String retry = sent.received().stream().map(m -> m.getPayload())
                .filter(p -> p.contains("\"name\":\"payment:process\"") && p.contains(id))
                .reduce((first, second) -> second).orElseThrow();
        assertThat(field(retry, "causationId")).isEqualTo(field(created, "id"));
        assertThat(field(retry, "correlationId")).isEqualTo(field(created, "id"));
        assertThat(retry).as("marked as asked again").contains("\"args\":[\"" + id + "\",7.00,\"EUR\",true]");

        received.send(envelope("order:confirmed", "[\"" + id + "\",\"pay-r\",7,\"EUR\"]", field(created, "id"), null));
        await().atMost(WAIT).until(() -> orders.find(id).orElseThrow().status().isFinal());
    }

    @Test
    void listingShowsTheNewestOrdersFirst() {
        String older = place("first", "1");
        String newer = place("second", "2");

        given().when().get("/orders?limit=2").then().statusCode(200)
                .body("$", hasSize(2))
                .body("id", contains(newer, older));
    }

    @Test
    void eventsShowsTheHistoryAndFiltersByName() {
        String id = place("ada", "5");

        List<Map<String, Object>> events = given().when().get("/events?event=order:created").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertThat(events).extracting(e -> e.get("name")).containsOnly("order:created");
        assertThat(events).extracting(e -> (Object) ((List<?>) e.get("args")).get(0)).contains(id);
        given().when().get("/events?limit=1").then().statusCode(200).body("$", hasSize(1));
    }

    @Test
    void metricsCountEventsListenerTimesBridgeTrafficAndOrdersByStatus() {
        String id = place("metered", "4");
        await().atMost(WAIT).until(() -> sent.received().size() >= 2);
        received.send(envelope("order:confirmed", "[\"" + id + "\",\"pay-m\",4,\"EUR\"]", "c-" + id, null));
        await().atMost(WAIT).until(() -> orders.find(id).orElseThrow().status().isFinal());

        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains(
                "agentdojo_events_emitted_total{event=\"order:created\"",
                "agentdojo_events_emitted_total{event=\"payment:process\"",
                "agentdojo_events_received_total{event=\"order:confirmed\"",
                "agentdojo_events_delivered_total{event=\"order:created\"",
                "agentdojo_events_failed_total{event=\"order:created\"",
                "agentdojo_listener_duration_seconds_count{event=\"order:created\"",
                "agentdojo_bridge_published_total",
                "agentdojo_bridge_consumed_total",
                "agentdojo_orders{status=\"CONFIRMED\"",
                "agentdojo_orders{status=\"PENDING\"");
        // the gauges count the database's orders, refreshed every orders.count-every (200 ms in tests)
        await().atMost(WAIT).until(() -> gauge(given().when().get("/q/metrics").then().extract().asString(),
                "agentdojo_orders{status=\"CONFIRMED\"}") >= 1);
    }

    private static double gauge(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series)).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(-1);
    }

    @Test
    void healthAndOpenApiAreServed() {
        given().when().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", org.hamcrest.Matchers.hasItem("event bridge started"));
        given().when().get("/q/openapi").then().statusCode(200);
    }

    private static String place(String customer, String amount) {
        return given().contentType(ContentType.JSON)
                .body("{\"customer\":\"" + customer + "\",\"amount\":" + amount + "}")
                .when().post("/orders")
                .then().statusCode(202)
                .extract().path("id");
    }

    static String envelope(String name, String args, String correlationId, String causationId) {
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"name\":\"" + name + "\",\"args\":" + args
                + ",\"timestamp\":\"" + Instant.now() + "\",\"source\":\"payment-service\",\"correlationId\":\""
                + correlationId + "\",\"causationId\":" + (causationId == null ? "null" : "\"" + causationId + "\"") + "}";
    }

    private static String field(String json, String name) {
        int start = json.indexOf("\"" + name + "\":\"") + name.length() + 4;
        return json.substring(start, json.indexOf('"', start));
    }

}
