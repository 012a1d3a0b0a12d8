package dev.agentdojo.orders;

import dev.agentdojo.postgres.PostgresTestResource;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.Bridge;
import dev.agentdojo.orders.service.Order;
import dev.agentdojo.orders.service.Orders;
import io.agroal.api.AgroalDataSource;
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

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
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

    @Inject
    AgroalDataSource dataSource;

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
    void eachAskAgainWaitsTwiceAsLongAsTheOneBeforeUpToTheLongestWait() throws SQLException {
        // an hour ahead, so that the application's own sweep (which asks at the real time) never finds these orders due
        Instant now = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
        Duration first = Duration.ofSeconds(1);
        Duration longest = Duration.ofMillis(4_500);
        Map<String, Object[]> pending = Map.of( // payment asked for n times, the last time t before now
                "backoff-once-1500ms", new Object[]{1, 1_500},  // waits 1 s: due
                "backoff-twice-1500ms", new Object[]{2, 1_500}, // waits 2 s: not yet
                "backoff-3x-4100ms", new Object[]{3, 4_100},    // waits 4 s: due
                "backoff-3x-3900ms", new Object[]{3, 3_900},    // not yet
                "backoff-9x-4600ms", new Object[]{9, 4_600},    // waits 256 s, but at most 4.5 s: due
                "backoff-9x-4400ms", new Object[]{9, 4_400});   // not yet
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement("""
                insert into orders (id, customer, amount, currency, status, created_at, updated_at, payment_asked_at, payment_asks)
                values (?, 'backoff', 1, 'EUR', ?, '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z', ?, ?)""")) {
            pending.forEach((id, asked) -> insertOrder(insert, id, "PENDING", now.minusMillis((Integer) asked[1]), (Integer) asked[0]));
            insertOrder(insert, "backoff-confirmed", "CONFIRMED", now.minus(Duration.ofDays(1)), 1);
        }
        try {
            assertThat(backoffOrders(orders.stalled(now, first, longest, 500)))
                    .containsExactlyInAnyOrder("backoff-9x-4600ms", "backoff-3x-4100ms", "backoff-once-1500ms");
            assertThat(asks()).containsEntry("backoff-once-1500ms", 2).containsEntry("backoff-3x-4100ms", 4)
                    .containsEntry("backoff-9x-4600ms", 10).containsEntry("backoff-twice-1500ms", 2)
                    .containsEntry("backoff-3x-3900ms", 3).containsEntry("backoff-confirmed", 1);
            assertThat(backoffOrders(orders.stalled(now, first, longest, 500))).as("just asked: none is due again at once").isEmpty();
            assertThat(backoffOrders(orders.stalled(now.plus(longest).plusMillis(1), first, longest, 500)))
                    .as("at most the longest wait later, every pending one is due")
                    .containsExactlyInAnyOrderElementsOf(pending.keySet());
        } finally {
            try (Connection c = dataSource.getConnection(); Statement delete = c.createStatement()) {
                delete.executeUpdate("delete from orders where customer = 'backoff'");
            }
        }
    }

    /** The ids of this test's orders among {@code stalled} (earlier tests may have left pending orders too). */
    private static List<String> backoffOrders(List<Orders.Stalled> stalled) {
        return stalled.stream().map(Orders.Stalled::order).filter(order -> order.customer().equals("backoff"))
                .map(Order::id).toList();
    }

    private static void insertOrder(PreparedStatement insert, String id, String status, Instant askedAt, int asks) {
        try {
            insert.setString(1, id);
            insert.setString(2, status);
            insert.setObject(3, askedAt.atOffset(ZoneOffset.UTC));
            insert.setInt(4, asks);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Integer> asks() throws SQLException {
        Map<String, Integer> asks = new HashMap<>();
        try (Connection c = dataSource.getConnection(); Statement select = c.createStatement();
             ResultSet rows = select.executeQuery("select id, payment_asks from orders where customer = 'backoff'")) {
            while (rows.next()) {
                asks.put(rows.getString(1), rows.getInt(2));
            }
        }
        return asks;
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
