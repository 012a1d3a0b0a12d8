package dev.agentdojo.payments;

import dev.agentdojo.postgres.PostgresTestResource;
import dev.agentdojo.bus.Bridge;
import dev.agentdojo.payments.repository.PaymentRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.smallrye.reactive.messaging.memory.InMemorySource;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * payment-service's workflow and REST contract, with order-service played by the test through the
 * in-memory connector.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class PaymentServiceTest {

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
    PaymentRepository payments;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;

    @ConfigProperty(name = "quarkus.datasource.password")
    String dbPassword;

    private InMemorySink<String> sent;
    private InMemorySource<String> received;

    @BeforeEach
    void connect() {
        sent = connector.sink(Bridge.OUTGOING);
        received = connector.source(Bridge.INCOMING);
        sent.clear();
    }

    @Test
    void paymentProcessChargesTheOrderAndConfirmsItInTheSameChain() {
        String order = UUID.randomUUID().toString();
        String processId = UUID.randomUUID().toString();

        received.send(envelope(processId, "payment:process", "[\"" + order + "\",99.90,\"EUR\"]", "corr-" + order));

        await().atMost(WAIT).until(() -> sent.received().size() == 1);
        String confirmed = sent.received().get(0).getPayload();
        assertThat(confirmed).contains("\"name\":\"order:confirmed\"", "\"source\":\"payment-service\"",
                "\"causationId\":\"" + processId + "\"", "\"correlationId\":\"corr-" + order + "\"");
        given().when().get("/payments/" + order).then().statusCode(200)
                .body("status", equalTo("APPROVED"))
                .body("amount", equalTo(99.90f))
                .body("orderId", equalTo(order));
        assertThat(confirmed).contains("\"args\":[\"" + order + "\",\"" + payments.forOrder(order).orElseThrow().id() + "\"");
    }

    @Test
    void anAmountAboveTheLimitIsDeclinedWithAReason() {
        String order = UUID.randomUUID().toString();

        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",10000.01,\"USD\"]", "c"));

        await().atMost(WAIT).until(() -> sent.received().size() == 1);
        assertThat(sent.received().get(0).getPayload()).contains("\"name\":\"payment:failed\"",
                "amount 10000.01 USD exceeds the limit of 10000");
        given().when().get("/payments/" + order).then().statusCode(200).body("status", equalTo("DECLINED"));
    }

    @Test
    void anOrderIsChargedAtMostOnceWhateverIsRedelivered() {
        String order = UUID.randomUUID().toString();
        String first = envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",5,\"EUR\"]", "c");
        double callsBefore = gatewayCallsMade();

        received.send(first);
        received.send(first);
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",5,\"EUR\"]", "c"));
        String marker = UUID.randomUUID().toString();
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + marker + "\",1,\"EUR\"]", "c"));

        await().atMost(WAIT).until(() -> sent.received().stream().map(Message::getPayload).anyMatch(p -> p.contains(marker)));
        assertThat(gatewayCallsMade() - callsBefore).as("gateway calls: the order's one and the marker's").isEqualTo(2.0);
        assertThat(sent.received()).extracting(Message::getPayload).filteredOn(p -> p.contains(order)).hasSize(1);
    }

    @Test
    void aPaymentLeftChargingAfterTheGatewayChargedIsCompletedWithTheFirstChargeNotASecond() throws Exception {
        String order = UUID.randomUUID().toString();
        // a crash between the gateway's answer and the outcome's commit: the payment is CHARGING, the provider charged it
        sql("insert into payments (order_id, amount, currency, status, charged_at) values ('" + order + "', 6.00, 'EUR', 'CHARGING', now())");
        sql("insert into gateway_charges (idempotency_key, payment_id, amount, currency, status, charged_at) "
                + "values ('" + order + "', 'pay-before-crash', 6.00, 'EUR', 'APPROVED', now())");
        double charged = gatewayCalls("charged");
        double replayed = gatewayCalls("replayed");

        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",6,\"EUR\"]", "c"));

        await().atMost(WAIT).until(() -> outcomesOf(order) == 1);
        assertThat(sent.received()).extracting(Message::getPayload).filteredOn(p -> p.contains(order))
                .singleElement().asString().contains("\"name\":\"order:confirmed\"", "pay-before-crash");
        given().when().get("/payments/" + order).then().body("status", equalTo("APPROVED")).body("id", equalTo("pay-before-crash"));
        assertThat(gatewayCalls("charged") - charged).isZero();
        assertThat(gatewayCalls("replayed") - replayed).isEqualTo(1.0);
    }

    @Test
    void aPaymentLeftChargingWhoseRequestNeverComesAgainIsFinishedByTheServiceItself() throws Exception {
        String order = UUID.randomUUID().toString();
        String request = UUID.randomUUID().toString();
        // its request was dead-lettered, or lost with an instance, while it was charging: nothing will deliver it again
        sql("insert into payments (order_id, amount, currency, status, charged_at, request_id, correlation_id) values ('" + order
                + "', 8.00, 'CHF', 'CHARGING', now() - interval '5 minutes', '" + request + "', 'chain-" + order + "')");
        double charged = gatewayCalls("charged");

        await().atMost(Duration.ofSeconds(30)).until(() -> outcomesOf(order) == 1);

        assertThat(sent.received()).extracting(Message::getPayload).filteredOn(p -> p.contains(order)).singleElement().asString()
                .contains("\"name\":\"order:confirmed\"", "\"causationId\":\"" + request + "\"", "\"correlationId\":\"chain-" + order + "\"",
                        "8.00,\"CHF\"");
        given().when().get("/payments/" + order).then().body("status", equalTo("APPROVED"));
        assertThat(gatewayCalls("charged") - charged).as("charged once, with the recorded amount").isEqualTo(1.0);
    }

    @Test
    void aPaymentThatCannotBeResumedDoesNotStopTheResumptionOfALaterOne() throws Exception {
        String stuck = UUID.randomUUID().toString();
        String later = UUID.randomUUID().toString();
        String taken = "pay-" + UUID.randomUUID();
        // the gateway charged the stuck one under an id another payment holds: its outcome can never be recorded (a unique key)
        String holder = UUID.randomUUID().toString();
        sql("insert into payments (order_id, id, amount, currency, status, charged_at) values ('" + holder + "', '" + taken
                + "', 1.00, 'EUR', 'APPROVED', now())");
        sql("insert into gateway_charges (idempotency_key, payment_id, amount, currency, status, charged_at) values ('" + stuck + "', '"
                + taken + "', 2.00, 'EUR', 'APPROVED', now())");
        sql("insert into payments (order_id, amount, currency, status, charged_at, request_id, correlation_id) values ('" + stuck
                + "', 2.00, 'EUR', 'CHARGING', now() - interval '10 minutes', 'request-" + stuck + "', 'chain-" + stuck + "')");
        sql("insert into payments (order_id, amount, currency, status, charged_at, request_id, correlation_id) values ('" + later
                + "', 3.00, 'EUR', 'CHARGING', now() - interval '5 minutes', 'request-" + later + "', 'chain-" + later + "')");
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> outcomesOf(later) == 1);

            given().when().get("/payments/" + later).then().body("status", equalTo("APPROVED"));
            assertThat(payments.forOrder(stuck).orElseThrow().status()).as("the one that cannot be resumed").hasToString("CHARGING");
        } finally { // else tried, and logged, at every later turn; and, should this fail, resumed during a later test
            sql("delete from payments where order_id in ('" + stuck + "', '" + later + "', '" + holder + "')");
        }
    }

    @Test
    void aPaymentLeftChargingWithoutItsRequestIsFinished_andAnsweredWhenItsRequestComes() throws Exception {
        String order = UUID.randomUUID().toString();
        double charged = gatewayCalls("charged"); // before: it may be resumed as soon as it is inserted
        // recorded before payments kept their request: nothing says which request asked for it
        sql("insert into payments (order_id, amount, currency, status, charged_at) values ('" + order
                + "', 9.00, 'EUR', 'CHARGING', now() - interval '5 minutes')");
        try {
            finishedAndAnsweredOnce(order, charged);
        } finally { // should this fail, not resumed during a later test
            sql("delete from payments where order_id = '" + order + "' and status = 'CHARGING'");
        }
    }

    private void finishedAndAnsweredOnce(String order, double charged) {
        await().atMost(Duration.ofSeconds(30)).until(() -> payments.forOrder(order).orElseThrow().approved());
        assertThat(gatewayCalls("charged") - charged).as("charged once, with the recorded amount").isEqualTo(1.0);
        assertThat(outcomesOf(order)).as("no outcome without the request it answers: order-service would refuse it").isZero();

        String request = UUID.randomUUID().toString();
        received.send(envelope(request, "payment:process", "[\"" + order + "\",9,\"EUR\"]", "chain-" + order));

        await().atMost(WAIT).until(() -> outcomesOf(order) == 1);
        assertThat(sent.received()).extracting(Message::getPayload).filteredOn(p -> p.contains(order)).singleElement().asString()
                .contains("\"name\":\"order:confirmed\"", "\"causationId\":\"" + request + "\"", "\"correlationId\":\"chain-" + order + "\"",
                        payments.forOrder(order).orElseThrow().id());
        assertThat(gatewayCalls("charged") - charged).as("not charged again").isEqualTo(1.0);
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",9,\"EUR\"]", "chain-" + order));
        String marker = UUID.randomUUID().toString();
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + marker + "\",1,\"EUR\"]", "c"));
        await().atMost(WAIT).until(() -> outcomesOf(marker) == 1);
        assertThat(outcomesOf(order)).as("answered once").isEqualTo(1);
    }

    @Test
    void aPaymentLeftChargingBeforeTheGatewayWasCalledIsChargedOnce() throws Exception {
        String order = UUID.randomUUID().toString();
        sql("insert into payments (order_id, amount, currency, status, charged_at) values ('" + order + "', 4.00, 'EUR', 'CHARGING', now())");
        double charged = gatewayCalls("charged");

        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",4,\"EUR\"]", "c"));

        await().atMost(WAIT).until(() -> outcomesOf(order) == 1);
        assertThat(gatewayCalls("charged") - charged).isEqualTo(1.0);
        given().when().get("/payments/" + order).then().body("status", equalTo("APPROVED"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"1e999999999", "-50", "0", "0.001", "\"NaN\"", "12345678.00"})
    void aRequestThatCanNeverBeChargedIsRecordedNowhereAndTheNextOrdersAreCharged(String amount) {
        String poison = UUID.randomUUID().toString();
        double charged = gatewayCalls("charged");

        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + poison + "\"," + amount + ",\"EUR\"]", "c"));
        String next = UUID.randomUUID().toString();
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + next + "\",2,\"EUR\"]", "c"));

        await().atMost(WAIT).until(() -> outcomesOf(next) == 1);
        assertThat(payments.forOrder(poison)).isEmpty();
        assertThat(outcomesOf(poison)).isZero();
        assertThat(gatewayCalls("charged") - charged).isEqualTo(1.0);
    }

    private void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword); var s = c.createStatement()) {
            s.executeUpdate(statement);
        }
    }

    private double gatewayCalls(String result) {
        return registry.find("agentdojo.gateway.calls").tag("result", result).counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void anOrderChargedByAnotherInstanceIsNotChargedHereTheDatabaseDecides() throws Exception {
        String order = UUID.randomUUID().toString();
        // another instance charged it: its outcome was committed, and relayed, with the payment, as the answer to its request
        try (Connection c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
             PreparedStatement insert = c.prepareStatement("insert into payments (order_id, id, amount, currency, status, charged_at, "
                     + "request_id, correlation_id) values (?, 'pay-elsewhere', 3.00, 'EUR', 'APPROVED', now(), 'request-elsewhere', 'c')")) {
            insert.setString(1, order);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
        double callsBefore = gatewayCallsMade();

        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",3,\"EUR\"]", "c"));
        String marker = UUID.randomUUID().toString();
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + marker + "\",1,\"EUR\"]", "c"));

        await().atMost(WAIT).until(() -> outcomesOf(marker) == 1);
        assertThat(gatewayCallsMade() - callsBefore).as("gateway calls: the marker's only").isEqualTo(1.0);
        assertThat(outcomesOf(order)).as("announced with its charge, not again").isZero();
    }

    @Test
    void aPaymentProcessWithBadArgsIsDeadLetteredAndDoesNotStopLaterEvents() {
        String order = UUID.randomUUID().toString();

        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"x\",\"not a number\",\"EUR\"]", "c"));
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[]", "c"));
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",1,\"EUR\"]", "c"));

        await().atMost(WAIT).until(() -> payments.forOrder(order).isPresent());
        assertThat(payments.forOrder("x")).isEmpty();
    }

    @Test
    void anUnknownPaymentIs404AsAProblem() {
        problem(given().when().get("/payments/unknown-order").then(), 404)
                .body("detail", equalTo("there is no payment for order unknown-order"));
    }

    @ParameterizedTest
    @CsvSource({"/payments?limit=abc", "/payments?limit=0", "/payments?limit=1001", "/events?limit=x"})
    void aBadLimitIsRefused(String path) {
        problem(given().when().get(path).then(), 400).body("detail", containsString("query parameter 'limit'"));
    }

    @Test
    void paymentsCannotBeMadeOverHttp() {
        problem(given().contentType("application/json").body("{}").when().post("/payments").then(), 405);
    }

    @Test
    void metricsCountPaymentsByOutcome() {
        String order = UUID.randomUUID().toString();
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",50000,\"EUR\"]", "c"));
        await().atMost(WAIT).until(() -> payments.forOrder(order).isPresent());

        String metrics = given().when().get(management() + "/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("agentdojo_payments_total{outcome=\"DECLINED\"", "agentdojo_events_received_total{event=\"payment:process\"",
                "agentdojo_gateway_calls_total{result=\"declined\"");
    }

    @Test
    void healthMetricsAndOpenApiAreServedOnTheManagementPortOnly() {
        for (String path : new String[] {"/q/health", "/q/metrics", "/q/openapi"}) {
            given().when().get(path).then().statusCode(404); // not on the API's port
        }
        given().when().get(management() + "/health").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get(management() + "/openapi").then().statusCode(200);
    }

    private static ValidatableResponse problem(ValidatableResponse response, int status) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("detail", not(containsString("Exception")));
    }

    private static String envelope(String id, String name, String args, String correlationId) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"args\":" + args + ",\"timestamp\":\"" + Instant.now()
                + "\",\"source\":\"order-service\",\"correlationId\":\"" + correlationId + "\",\"causationId\":null}";
    }

    /** The outcomes announced for the order (not the news that a request for it was dead-lettered). */
    private long outcomesOf(String order) {
        return sent.received().stream().map(Message::getPayload).filter(p -> p.contains(order))
                .filter(p -> !p.contains("\"name\":\"event:dead-lettered\"")).count();
    }

    /**
     * The gateway's calls that charged (approved or declined), not counting those answered with the
     * result of an earlier call under the same key (replayed): how often money could have moved.
     */
    private double gatewayCallsMade() {
        return gatewayCalls("charged") + gatewayCalls("declined");
    }
}
