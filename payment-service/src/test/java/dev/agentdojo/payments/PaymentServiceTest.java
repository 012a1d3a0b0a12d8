package dev.agentdojo.payments;

import dev.agentdojo.postgres.PostgresTestResource;
import dev.agentdojo.bus.Bridge;
import dev.agentdojo.payments.service.Payments;
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

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    @Connector("smallrye-in-memory")
    InMemoryConnector connector;

    @Inject
    Payments payments;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

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

        received.send(envelope(processId, "payment:process", "[\"" + order + "\",99.90,\"EUR\",false]", "corr-" + order));

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

        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",10000.01,\"USD\",false]", "c"));

        await().atMost(WAIT).until(() -> sent.received().size() == 1);
        assertThat(sent.received().get(0).getPayload()).contains("\"name\":\"payment:failed\"",
                "amount 10000.01 USD exceeds the limit of 10000");
        given().when().get("/payments/" + order).then().statusCode(200).body("status", equalTo("DECLINED"));
    }

    @Test
    void anOrderIsChargedAtMostOnceWhateverIsRedelivered() {
        String order = UUID.randomUUID().toString();
        String first = envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",5,\"EUR\",false]", "c");
        double chargesBefore = chargesMade();

        received.send(first);
        received.send(first);
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",5,\"EUR\",false]", "c"));
        String marker = UUID.randomUUID().toString();
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + marker + "\",1,\"EUR\",false]", "c"));

        await().atMost(WAIT).until(() -> sent.received().stream().map(Message::getPayload).anyMatch(p -> p.contains(marker)));
        assertThat(chargesMade() - chargesBefore).isEqualTo(2.0);
        assertThat(sent.received()).extracting(Message::getPayload).filteredOn(p -> p.contains(order)).hasSize(1);
    }

    @Test
    void askedAgainLongAfterTheOutcomeWasAnnouncedItIsAnnouncedAgainWithoutASecondCharge() {
        String order = UUID.randomUUID().toString();
        double chargesBefore = chargesMade();
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",7,\"EUR\",false]", "c"));
        await().atMost(WAIT).until(() -> outcomesOf(order) == 1);

        // asked again at once: the outcome may still be on its way to order-service, so it is not repeated
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",7,\"EUR\",true]", "c"));
        String marker = UUID.randomUUID().toString();
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + marker + "\",1,\"EUR\",false]", "c"));
        await().atMost(WAIT).until(() -> outcomesOf(marker) == 1);
        assertThat(outcomesOf(order)).isEqualTo(1);

        // asked again after payment.reannounce-after (1 s in tests): it never reached order-service, so it is announced again
        await().pollDelay(Duration.ofMillis(1_100)).atMost(WAIT).until(() -> true);
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",7,\"EUR\",true]", "c"));
        await().atMost(WAIT).until(() -> outcomesOf(order) == 2);
        assertThat(chargesMade() - chargesBefore).isEqualTo(2.0); // the order and the marker, nothing more
        assertThat(sent.received()).extracting(Message::getPayload).filteredOn(p -> p.contains(order))
                .allSatisfy(p -> assertThat(p).contains(payments.forOrder(order).orElseThrow().id()));
    }

    @Test
    void anOutcomeReadBackFromTheLogIsNeverAnnouncedAgainHoweverLateTheRequest() {
        String order = UUID.randomUUID().toString();
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",8,\"EUR\",false]", "c"));
        await().atMost(WAIT).until(() -> outcomesOf(order) == 1);

        // the outcome comes back from the log (as every record of the topic does), then order-service,
        // lagging behind the log, asks again long after
        String outcome = sent.received().stream().map(Message::getPayload).filter(p -> p.contains(order)).findFirst().orElseThrow();
        received.send(outcome);
        await().atMost(WAIT).until(() -> loggedAt(order) != null);
        await().pollDelay(Duration.ofMillis(1_100)).atMost(WAIT).until(() -> true);
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",8,\"EUR\",true]", "c"));
        String marker = UUID.randomUUID().toString();
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + marker + "\",1,\"EUR\",false]", "c"));

        await().atMost(WAIT).until(() -> outcomesOf(marker) == 1);
        assertThat(outcomesOf(order)).isEqualTo(1);
    }

    private Object loggedAt(String order) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
             PreparedStatement query = c.prepareStatement("select logged_at from payments where order_id = ?")) {
            query.setString(1, order);
            try (var rs = query.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }

    @Test
    void anOrderChargedByAnotherInstanceIsNotChargedHereTheDatabaseDecides() throws Exception {
        String order = UUID.randomUUID().toString();
        // another instance charged it and was killed before announcing: its row is all there is
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
             PreparedStatement insert = c.prepareStatement("insert into payments (order_id, id, amount, currency, status, charged_at) "
                     + "values (?, 'pay-elsewhere', 3.00, 'EUR', 'APPROVED', now())")) {
            insert.setString(1, order);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
        double chargesBefore = chargesMade();

        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",3,\"EUR\",false]", "c"));

        await().atMost(WAIT).until(() -> outcomesOf(order) == 1);
        assertThat(chargesMade() - chargesBefore).isZero();
        assertThat(sent.received()).extracting(Message::getPayload).filteredOn(p -> p.contains(order))
                .singleElement().asString().contains("\"name\":\"order:confirmed\"", "pay-elsewhere");
    }

    @Test
    void aPaymentProcessWithBadArgsIsLoggedAndDoesNotStopLaterEvents() {
        String order = UUID.randomUUID().toString();

        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"x\",\"not a number\",\"EUR\",false]", "c"));
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[]", "c"));
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",1,\"EUR\",false]", "c"));

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
        received.send(envelope(UUID.randomUUID().toString(), "payment:process", "[\"" + order + "\",50000,\"EUR\",false]", "c"));
        await().atMost(WAIT).until(() -> payments.forOrder(order).isPresent());

        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("agentdojo_payments_total{outcome=\"DECLINED\"", "agentdojo_events_received_total{event=\"payment:process\"");
    }

    @Test
    void healthAndOpenApiAreServed() {
        given().when().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/openapi").then().statusCode(200);
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

    private long outcomesOf(String order) {
        return sent.received().stream().map(Message::getPayload).filter(p -> p.contains(order)).count();
    }

    /** The charges this process made: the gateway's calls, counted by outcome. */
    private double chargesMade() {
        return registry.find("agentdojo.payments").counters().stream().mapToDouble(Counter::count).sum();
    }
}
