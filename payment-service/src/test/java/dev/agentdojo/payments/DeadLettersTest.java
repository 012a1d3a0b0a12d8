package dev.agentdojo.payments;

import dev.agentdojo.bus.Bridge;
import dev.agentdojo.payments.repository.PaymentRepository;
import dev.agentdojo.postgres.PostgresTestResource;
import dev.agentdojo.service.deadletters.DeadLetterRepository;
import dev.agentdojo.service.deadletters.StoredDeadLetter;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.smallrye.reactive.messaging.memory.InMemorySource;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * payment-service's dead letters on its management port: a request refused for good is kept whole
 * and listed for the operator alone, refused again when retried while its cause lasts, and
 * discarded once; nothing of it is charged.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "payments"))
class DeadLettersTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "operator-test-token";

    @Inject
    @Connector("smallrye-in-memory")
    InMemoryConnector connector;

    @Inject
    PaymentRepository payments;

    @Inject
    DeadLetterRepository letters;

    private InMemorySink<String> sent;
    private InMemorySource<String> received;

    @BeforeEach
    void connect() {
        sent = connector.sink(Bridge.OUTGOING);
        received = connector.source(Bridge.INCOMING);
    }

    @Test
    void aRequestRefusedForGoodIsListedForTheOperatorOnly_refusedAgainWhileItsCauseLasts_andDiscardedOnce() {
        String order = UUID.randomUUID().toString();
        String event = UUID.randomUUID().toString();

        received.send("{\"id\":\"" + event + "\",\"name\":\"payment:process\",\"args\":[\"" + order + "\",1e999999999,\"EUR\"],"
                + "\"timestamp\":\"" + Instant.now() + "\",\"source\":\"order-service\",\"correlationId\":\"c\",\"causationId\":null}");

        String id = await().atMost(WAIT).until(() -> operator().get(deadLetters()).then().statusCode(200).extract().jsonPath()
                .getString("find { it.orderId == '" + order + "' }.id"), Objects::nonNull);
        given().when().get(deadLetters()).then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"));
        given().header("Authorization", "Bearer not-" + TOKEN).when().get(deadLetters()).then().statusCode(403);
        operator().get(deadLetters() + "?limit=abc").then().statusCode(400).body("detail", containsString("limit"));
        operator().get(deadLetters() + "/" + id).then().statusCode(200)
                .body("eventId", equalTo(event)).body("eventName", equalTo("payment:process")).body("reason", equalTo("invalid"))
                .body("state", equalTo("OPEN")).body("envelope.id", equalTo(event));

        operator().body("{\"operator\":\"tester\"}").post(deadLetters() + "/" + id + "/retry").then().statusCode(200)
                .body("state", equalTo("OPEN")).body("retries", equalTo(1)).body("reason", equalTo("invalid"));
        operator().body("{}").post(deadLetters() + "/" + id + "/discard").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("'reason' is required"));
        operator().body("{\"operator\":\"tester\",\"reason\":\"an amount no one can pay\"}").post(deadLetters() + "/" + id + "/discard")
                .then().statusCode(200).body("state", equalTo("DISCARDED")).body("actions", hasSize(2))
                .body("actions[0].action", equalTo("retry")).body("actions[1].operator", containsString("tester"));
        operator().body("{\"reason\":\"again\"}").post(deadLetters() + "/" + id + "/discard").then().statusCode(409);
        operator().post(deadLetters() + "/" + id + "/retry").then().statusCode(409);
        operator().post(deadLetters() + "/no-such-letter/retry").then().statusCode(404);

        assertThat(payments.forOrder(order)).isEmpty();
        await().atMost(WAIT).untilAsserted(() -> assertThat(sent.received()).extracting(Message::getPayload) // relayed: in time
                .filteredOn(p -> p.contains(order)).as("its chain told once, not again when refused again").singleElement().asString()
                .contains("\"name\":\"event:dead-lettered\"", "\"causationId\":\"" + event + "\""));
    }

    @Test
    void aRetryTakenOverNoLongerChangesTheLetter_andAFailureWithANulIsKept() {
        String id = UUID.randomUUID().toString();
        letters.insert(new DeadLetterRepository.NewLetter(id, UUID.randomUUID().toString(), "payment:process", "o-taken-over", null,
                "agent-dojo.orders", 0, System.nanoTime(), Instant.now(), "failed", "java.lang.IllegalStateException", "down", "{}"));

        assertThat(letters.claim(id, "first#1", Duration.ofMinutes(5))).isTrue();
        assertThat(letters.claim(id, "second#2", Duration.ofMinutes(5))).as("being retried: not taken yet").isFalse();
        assertThat(letters.claim(id, "second#2", Duration.ZERO)).as("taken over once the first is taken for stuck").isTrue();

        assertThat(letters.reopen(id, "first#1", "failed", "java.lang.IllegalStateException", "late\u0000outcome"))
                .as("the first retry's late outcome does not reopen the letter the second holds").isFalse();
        assertThat(letters.retried(id, "first#1", "first", "handled")).isFalse();
        assertThat(letters.reopen(id, "second#2", "failed", "java.lang.IllegalStateException", "refused\u0000again")).isTrue();
        letters.act(id, "retry", "second", "refused again: \u0000");

        StoredDeadLetter letter = letters.find(id).orElseThrow();
        assertThat(letter.state()).isEqualTo("OPEN");
        assertThat(letter.failure()).isEqualTo("refused\uFFFDagain");
        assertThat(letter.actions()).singleElement().satisfies(action -> assertThat(action.outcome()).isEqualTo("refused again: \uFFFD"));
    }

    private static RequestSpecification operator() {
        return given().header("Authorization", "Bearer " + TOKEN).contentType(ContentType.JSON).when();
    }

    private static String deadLetters() {
        return "http://127.0.0.1:" + ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class)
                + "/dead-letters";
    }
}
