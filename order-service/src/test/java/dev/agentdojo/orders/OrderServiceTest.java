package dev.agentdojo.orders;

import dev.agentdojo.postgres.PostgresTestResource;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.Bridge;
import dev.agentdojo.outbox.TransactionalOutbox;
import dev.agentdojo.orders.repository.IdempotencyKeyRepository;
import dev.agentdojo.orders.repository.OrderRepository;
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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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

    /** Health, metrics and OpenAPI: the management interface, on a port of its own (a free one in tests). */
    private static String management() {
        return "http://127.0.0.1:" + org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.management.test-port", Integer.class) + "/q";
    }

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    @Connector("smallrye-in-memory")
    InMemoryConnector connector;

    @Inject
    EventBus bus;

    @Inject
    OrderRepository orders;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    IdempotencyKeyRepository keys;

    @Inject
    TransactionalOutbox outbox;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

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
    void aListenerThatFailsWhileTheOrderIsPlacedFailsTheRequest_andNothingIsPlacedOrSent() {
        long ordersBefore = countRows("select count(*) from orders");
        var failing = bus.on("order:created", e -> {
            throw new IllegalStateException("a listener's bug");
        });
        try {
            given().contentType(ContentType.JSON).body("{\"customer\":\"half\",\"amount\":3}")
                    .when().post("/orders")
                    .then().statusCode(500)
                    .contentType("application/problem+json")
                    .body("detail", org.hamcrest.Matchers.startsWith("a listener of 'order:created' failed, so nothing was done"));
        } finally {
            failing.close();
        }
        assertThat(countRows("select count(*) from orders")).as("no order half-placed").isEqualTo(ordersBefore);
        String next = place("whole", "4");
        await().atMost(WAIT).until(() -> sent.received().stream().anyMatch(m -> m.getPayload().contains(next)));
        assertThat(sent.received()).extracting(m -> m.getPayload()).noneMatch(p -> p.contains("\"half\""));
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
        assertThat(process).contains("\"name\":\"payment:process\"", "\"args\":[\"" + id + "\",99.90,\"EUR\"]");
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

        String process = processOf(id);
        received.send(envelope("payment:failed", "[\"" + id + "\",\"amount too large\",20000,\"EUR\"]", "c-" + id, process));
        await().atMost(WAIT).until(() -> orders.find(id).orElseThrow().status().isFinal());
        received.send(envelope("order:confirmed", "[\"" + id + "\",\"pay-late\",20000,\"EUR\"]", "c-" + id, process));

        await().atMost(WAIT).until(() -> bus.getHistory("order:confirmed").stream().anyMatch(e -> id.equals(e.arg(0))));
        given().when().get("/orders/" + id).then()
                .body("status", equalTo("PAYMENT_FAILED"))
                .body("reason", equalTo("amount too large"));
    }

    @Test
    void anIdempotencyKeySentAgainWithTheSameOrderAnswersTheFirstOrderAndPlacesNothing() {
        String key = "key-" + UUID.randomUUID();
        String first = placeWithKey(key, "{\"customer\":\"ada\",\"amount\":3}").then().statusCode(202).extract().path("id");
        await().atMost(WAIT).until(() -> sent.received().size() >= 2);

        placeWithKey(key, "{ \"amount\": 3.00, \"customer\": \"ada\" }").then().statusCode(202)
                .body("id", equalTo(first))
                .header("Location", org.hamcrest.Matchers.endsWith("/orders/" + first));

        assertThat(countRows("select count(*) from orders where customer = 'ada' and id = '" + first + "'")).isEqualTo(1);
        assertThat(countRows("select count(*) from idempotency_keys where key = '" + key + "'")).isEqualTo(1);
    }

    @Test
    void oldIdempotencyKeysAreForgotten_andNewerOnesKept() {
        String key = "key-" + UUID.randomUUID();
        String order = placeWithKey(key, "{\"customer\":\"ada\",\"amount\":4}").then().statusCode(202).extract().path("id");

        keys.forgetOlderThan(Instant.now().minus(Duration.ofHours(1)));
        assertThat(keys.find(key)).map(IdempotencyKeyRepository.FirstUse::orderId).contains(order);

        keys.forgetOlderThan(Instant.now().plus(Duration.ofSeconds(1)));
        assertThat(keys.find(key)).isEmpty();
        assertThat(orders.find(order)).isPresent(); // the order stays; only its key is forgotten
    }

    @Test
    void anIdempotencyKeySentWithAnotherOrderIsRefusedWith422AndPlacesNothing() {
        String key = "key-" + UUID.randomUUID();
        placeWithKey(key, "{\"customer\":\"ada\",\"amount\":3}").then().statusCode(202);
        long before = countRows("select count(*) from orders");

        placeWithKey(key, "{\"customer\":\"ada\",\"amount\":4}").then().statusCode(422)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("was used for another request"));

        assertThat(countRows("select count(*) from orders")).isEqualTo(before);
    }

    @Test
    void requestsWithOneIdempotencyKeyArrivingTogetherPlaceOneOrder() throws Exception {
        String key = "key-" + UUID.randomUUID();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> placeWithKey(key, "{\"customer\":\"together\",\"amount\":5}")
                        .then().statusCode(202).extract().<String>path("id")));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (var answer : answers) {
                ids.add(answer.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(ids).hasSize(1);
            assertThat(countRows("select count(*) from orders where customer = 'together'")).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anInvalidIdempotencyKeyIsRefusedWith400() {
        placeWithKey("x".repeat(256), "{\"customer\":\"ada\",\"amount\":3}").then().statusCode(400)
                .contentType("application/problem+json");
        placeWithKey("tab\tinside", "{\"customer\":\"ada\",\"amount\":3}").then().statusCode(400);
    }

    @Test
    void eventsOfATransactionThatRollsBackAreNeverRelayedAndThoseOfOneThatCommitsAre() throws SQLException {
        var rolledBack = outbox.collect(() -> bus.emitSync("test:rolled-back", "never"));
        var committed = outbox.collect(() -> bus.emitSync("test:committed", "once"));
        assertThat(rolledBack.events()).hasSize(1);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            outbox.write(c, rolledBack.events());
            c.rollback();
            outbox.write(c, committed.events());
            c.commit();
            c.setAutoCommit(true);
        }

        await().atMost(WAIT).until(() -> sent.received().stream().anyMatch(m -> m.getPayload().contains("test:committed")));
        assertThat(sent.received()).extracting(m -> m.getPayload())
                .noneMatch(p -> p.contains("test:rolled-back"))
                .filteredOn(p -> p.contains("test:committed")).hasSize(1);
        assertThat(countRows("select count(*) from outbox")).as("rows leave the table in the transaction that wrote them").isZero();
    }

    @Test
    void theReplicationSlotMovesOnBetweenOutboxEvents_soItDoesNotHoldBackTheRestOfTheLog() throws SQLException {
        String lsnAfterOtherWrites;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table if not exists not_in_the_outbox (id bigserial primary key, filler text)");
            s.execute("insert into not_in_the_outbox (filler) select repeat('x', 200) from generate_series(1, 2000)");
            try (ResultSet row = s.executeQuery("select pg_current_wal_lsn()::text")) {
                row.next();
                lsnAfterOtherWrites = row.getString(1);
            }
        }
        // no outbox event meanwhile: only the relay's heartbeat (every 10 s) can move the slot past those writes
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).until(() ->
                countRows("select count(*) from pg_replication_slots where slot_name = 'agentdojo_outbox_orders' "
                        + "and confirmed_flush_lsn >= '" + lsnAfterOtherWrites + "'::pg_lsn") == 1);
    }

    private long countRows(String sql) {
        try (Connection c = dataSource.getConnection(); Statement select = c.createStatement(); ResultSet row = select.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static io.restassured.response.Response placeWithKey(String key, String body) {
        return given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body).when().post("/orders");
    }

    @Test
    void anOutcomeThatDoesNotAnswerTheOrdersOwnPaymentRequestIsRefusedAndTheOrderStaysPending() {
        String id = place("forged", "30");
        String other = place("forged", "31");
        String process = processOf(id);
        double foreign = rejected("foreign");
        double invalid = rejected("invalid");

        // a wrong amount, another order's request as the cause, no cause, a bogus currency, a payment id with a line break
        received.send(envelope("order:confirmed", "[\"" + id + "\",\"pay-f1\",29.99,\"EUR\"]", "c-" + id, process));
        received.send(envelope("order:confirmed", "[\"" + id + "\",\"pay-f2\",30,\"EUR\"]", "c-" + id, processOf(other)));
        received.send(envelope("order:confirmed", "[\"" + id + "\",\"pay-f3\",30,\"EUR\"]", "c-" + id, null));
        received.send(envelope("order:confirmed", "[\"" + id + "\",\"pay-f4\",30,\"XYZ\"]", "c-" + id, process));
        received.send(envelope("payment:failed", "[\"" + id + "\",\"forged\\nINFO fake line\",30,\"EUR\"]", "c-" + id, process));

        await().atMost(WAIT).until(() -> rejected("foreign") - foreign == 3 && rejected("invalid") - invalid == 2);
        assertThat(orders.find(id).orElseThrow().status()).isEqualTo(dev.agentdojo.orders.model.OrderStatus.PENDING);

        received.send(envelope("order:confirmed", "[\"" + id + "\",\"pay-real\",30,\"EUR\"]", "c-" + id, process));
        await().atMost(WAIT).until(() -> orders.find(id).orElseThrow().status().isFinal());
        given().when().get("/orders/" + id).then().body("paymentId", equalTo("pay-real"));
    }

    private double rejected(String reason) {
        return registry.find("agentdojo.events.rejected").tag("reason", reason).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    /** The id of the payment:process that order-service sent for order {@code id}. */
    private String processOf(String id) {
        await().atMost(WAIT).until(() -> sent.received().stream().anyMatch(m -> isProcessOf(m.getPayload(), id)));
        return field(sent.received().stream().map(m -> m.getPayload()).filter(p -> isProcessOf(p, id)).findFirst().orElseThrow(), "id");
    }

    private static boolean isProcessOf(String payload, String id) {
        return payload.contains("\"name\":\"payment:process\"") && payload.contains("\"args\":[\"" + id + "\"");
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
        received.send(envelope("order:confirmed", "[\"" + id + "\",\"pay-m\",4,\"EUR\"]", "c-" + id, processOf(id)));
        await().atMost(WAIT).until(() -> orders.find(id).orElseThrow().status().isFinal());

        String metrics = given().when().get(management() + "/metrics").then().statusCode(200).extract().asString();
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
        await().atMost(WAIT).until(() -> gauge(given().when().get(management() + "/metrics").then().extract().asString(),
                "agentdojo_orders{status=\"CONFIRMED\"}") >= 1);
    }

    private static double gauge(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series)).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(-1);
    }

    @Test
    void healthMetricsAndOpenApiAreServedOnTheManagementPortOnly() {
        for (String path : new String[] {"/q/health", "/q/metrics", "/q/openapi"}) {
            given().when().get(path).then().statusCode(404); // not on the API's port
        }
        given().when().get(management() + "/health").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get(management() + "/health/ready").then().statusCode(200)
                .body("checks.name", org.hamcrest.Matchers.hasItem("event bridge started"));
        given().when().get(management() + "/openapi").then().statusCode(200);
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
