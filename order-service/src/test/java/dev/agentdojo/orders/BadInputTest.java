package dev.agentdojo.orders;

import dev.agentdojo.postgres.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * Every kind of bad request gets a 4xx {@code application/problem+json} answer with a readable
 * {@code detail}, never a stack trace, and creates no order.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "orders"))
class BadInputTest {

    /** Health, metrics and OpenAPI: the management interface, on a port of its own (a free one in tests). */
    private static String management() {
        return "http://127.0.0.1:" + org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.management.test-port", Integer.class) + "/q";
    }

    @Inject
    MeterRegistry registry;

    @Inject
    jakarta.validation.Validator validator;

    private double ordersBefore;

    @BeforeEach
    void count() {
        ordersBefore = ordersKept();
    }

    @AfterEach
    void nothingWasCreatedAndTheServiceIsHealthy() {
        assertThat(ordersKept()).isEqualTo(ordersBefore);
        given().when().get(management() + "/health/ready").then().statusCode(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing customer            | {"amount":10}                                         | customer must not be blank
            blank customer              | {"customer":"   ","amount":10}                        | customer must not be blank
            control character in name   | {"customer":"ad\\u0007a","amount":10}                 | customer must not contain control characters
            missing amount              | {"customer":"ada"}                                    | amount is required
            zero amount                 | {"customer":"ada","amount":0}                         | amount must be more than 0
            negative amount             | {"customer":"ada","amount":-5}                        | amount must be more than 0
            amount over a million       | {"customer":"ada","amount":1000000.01}                | amount must be at most 1000000
            three decimals              | {"customer":"ada","amount":1.005}                     | amount must have at most 2 decimals
            lower-case currency         | {"customer":"ada","amount":1,"currency":"eur"}        | currency must be an ISO 4217 currency code
            four-letter currency        | {"customer":"ada","amount":1,"currency":"EURO"}       | currency must be an ISO 4217 currency code
            no such currency ABC        | {"customer":"ada","amount":1,"currency":"ABC"}        | currency must be an ISO 4217 currency code
            no such currency XYZ        | {"customer":"ada","amount":1,"currency":"XYZ"}        | currency must be an ISO 4217 currency code
            amount of the wrong type    | {"customer":"ada","amount":"abc"}                     | field 'amount' has a value of the wrong type
            amount as a boolean         | {"customer":"ada","amount":true}                      | field 'amount' has a value of the wrong type
            customer as an object       | {"customer":{"a":1},"amount":1}                       | field 'customer' has a value of the wrong type
            malformed JSON              | {"customer":"ada","amount":                           | the body is not valid JSON
            not JSON at all             | hello                                                 | the body is not valid JSON
            an array, not an object     | []                                                    | the body must be a JSON object
            """)
    void aBadOrderIsRefusedWithTheReason(String caseName, String body, String detail) {
        problem(given().contentType(ContentType.JSON).body(body).when().post("/orders").then(), 400)
                .body("detail", containsString(detail));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            JSON null                    | null                                                 | is required
            a string, not an object      | "an order"                                           | the body must be a JSON object
            a number, not an object      | 42                                                   | the body must be a JSON object
            amount as a string of words  | {"customer":"ada","amount":"twelve"}                 | field 'amount' has a value of the wrong type
            amount as an array           | {"customer":"ada","amount":[1,2]}                    | field 'amount' has a value of the wrong type
            amount as an object          | {"customer":"ada","amount":{"value":1}}              | field 'amount' has a value of the wrong type
            amount NaN                   | {"customer":"ada","amount":"NaN"}                    | field 'amount' has a value of the wrong type
            amount far too large         | {"customer":"ada","amount":1e400}                    | amount must be at most 1000000
            amount far too small         | {"customer":"ada","amount":-1e400}                   | amount must be more than 0
            customer as an array         | {"customer":["a"],"amount":1}                        | field 'customer' has a value of the wrong type
            customer null                | {"customer":null,"amount":1}                         | customer must not be blank
            currency as a number         | {"customer":"ada","amount":1,"currency":978}         | currency must be an ISO 4217 currency code
            trailing garbage             | {"customer":"ada","amount":1} {                       | the body is not valid JSON
            single quotes                | {'customer':'ada','amount':1}                         | the body is not valid JSON
            comments                     | {"customer":"ada",/* hi */"amount":1}                 | the body is not valid JSON
            unterminated string          | {"customer":"ada                                      | the body is not valid JSON
            """)
    void moreBadOrdersAreRefusedWithTheReason(String caseName, String body, String detail) {
        problem(given().contentType(ContentType.JSON).body(body).when().post("/orders").then(), 400)
                .body("detail", containsString(detail));
    }

    @ParameterizedTest
    @CsvSource({"newline,ada\\nlovelace", "escape,\\u001b[31mred", "zero-width space,a\\u200bda", "bell,ad\\u0007a",
            "line separator,ada\\u2028x", "byte-order mark,\\ufeffada"})
    void controlCharactersInTheCustomerAreRefused(String what, String jsonEscapedName) {
        problem(given().contentType(ContentType.JSON).body("{\"customer\":\"" + jsonEscapedName + "\",\"amount\":1}")
                .when().post("/orders").then(), 400)
                .body("detail", equalTo("customer must not contain control characters"));
    }

    /** One rule for the chain: every body the front door accepts makes events that payment-service accepts. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ada          | 1        | EUR
            ada          | 1000000  | JPY
            a b c        | 0.01     | XXX
            ada          | 10       | ABC
            ada          | 10       | XYZ
            ad​a    | 10       | USD
            ada          | 10       | eur
            ada          | 10       | CHF
            """)
    void whatTheFrontDoorAcceptsTheChainAccepts(String customer, java.math.BigDecimal amount, String currency) {
        var request = new dev.agentdojo.orders.rest.PlaceOrderRequest(customer, amount, currency);
        boolean accepted = validator.validate(request).isEmpty();
        boolean chainAccepts = validator.validate(new dev.agentdojo.service.chain.OrderCreated("o-1", customer, amount, currency)).isEmpty()
                && validator.validate(new dev.agentdojo.service.chain.PaymentRequested("o-1", amount, currency)).isEmpty();
        assertThat(accepted).as("the front door and the chain agree on %s %s %s", customer, amount, currency).isEqualTo(chainAccepts);
    }

    @Test
    void aCurrencyWithANewlineIsRefused() {
        problem(given().contentType(ContentType.JSON).body("{\"customer\":\"ada\",\"amount\":1,\"currency\":\"EU\\nR\"}")
                .when().post("/orders").then(), 400)
                .body("detail", containsString("currency must be an ISO 4217 currency code"));
    }

    @Test
    void deeplyNestedJsonIsRefused() {
        String nested = "[".repeat(5_000) + "]".repeat(5_000);
        problem(given().contentType(ContentType.JSON).body("{\"customer\":\"ada\",\"amount\":1,\"x\":" + nested + "}")
                .when().post("/orders").then(), 400)
                .body("detail", containsString("the body is not valid JSON"));
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] body = "{\"customer\":\"ad\u00e9\",\"amount\":1}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        problem(given().contentType("application/json; charset=UTF-8").body(body).when().post("/orders").then(), 400)
                .body("detail", containsString("the body is not valid JSON"));
    }

    @ParameterizedTest
    @CsvSource({"application/xml", "text/html", "text/csv", "application/octet-stream"})
    void aBodyOfAnotherMediaTypeIs415(String contentType) {
        byte[] body = "{\"customer\":\"ada\",\"amount\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        problem(given().contentType(contentType).body(body).when().post("/orders").then(), 415);
    }

    @Test
    void askingForAMediaTypeTheApiDoesNotSpeakIs406() {
        given().accept("application/xml").contentType(ContentType.JSON).body("{\"customer\":\"ada\",\"amount\":1}")
                .when().post("/orders").then().statusCode(406);
    }

    @ParameterizedTest
    @CsvSource({"/orders/%20", "/orders/..%2F..%2Fetc", "/orders/%3Cscript%3E", "/orders/x/events/extra"})
    void oddPathsAre404(String path) {
        given().urlEncodingEnabled(false).when().get(path).then().statusCode(404);
    }

    @Test
    void aVeryLongOrderIdIs404WithAShortenedDetail() {
        String id = "x".repeat(3_000);
        problem(given().when().get("/orders/" + id).then(), 404)
                .body("detail", containsString("…"));
    }

    @ParameterizedTest
    @CsvSource({"/orders?limit=99999999999", "/orders?limit=%00", "/events?limit=2.5", "/events?event=*"})
    void moreBadQueryParametersAreRefused(String path) {
        given().urlEncodingEnabled(false).when().get(path).then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void aCustomerNameOverAHundredCharactersIsRefused() {
        problem(given().contentType(ContentType.JSON).body("{\"customer\":\"" + "a".repeat(101) + "\",\"amount\":1}")
                .when().post("/orders").then(), 400)
                .body("violations[0].field", equalTo("customer"))
                .body("violations[0].message", equalTo("must be at most 100 characters"));
    }

    @Test
    void anEmptyBodyIsRefused() {
        problem(given().contentType(ContentType.JSON).when().post("/orders").then(), 400)
                .body("detail", containsString("is required"));
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedWith415() {
        problem(given().contentType(ContentType.TEXT).body("customer=ada&amount=1").when().post("/orders").then(), 415)
                .body("detail", equalTo("the body must be application/json"));
    }

    @Test
    void anOversizedBodyIsRefusedWith413AsProblemJsonAndNothingIsCreated() {
        int before = given().get("/orders?limit=1000").then().extract().jsonPath().getList("$").size();
        String body = "{\"customer\":\"" + "a".repeat(40_000) + "\",\"amount\":1}";
        problem(given().contentType(ContentType.JSON).body(body).when().post("/orders").then(), 413)
                .body("detail", equalTo("the body is " + body.length() + " bytes; at most 16384 are accepted"))
                .body("instance", equalTo("/orders"));
        assertThat(given().get("/orders?limit=1000").then().extract().jsonPath().getList("$")).hasSize(before);
    }

    @Test
    void anUnknownOrderIs404() {
        problem(given().when().get("/orders/no-such-order").then(), 404)
                .body("detail", equalTo("there is no order no-such-order"));
        problem(given().when().get("/orders/no-such-order/events").then(), 404);
    }

    @ParameterizedTest
    @CsvSource({"/orders?limit=abc", "/orders?limit=0", "/orders?limit=5000", "/events?limit=-1", "/events?limit=1e3"})
    void aBadLimitIsRefused(String path) {
        problem(given().when().get(path).then(), 400)
                .body("detail", containsString("query parameter 'limit' must be a whole number from 1 to 1000"));
    }

    @Test
    void aMalformedEventNameInTheQueryIsRefused() {
        problem(given().when().get("/events?event=order created").then(), 400)
                .body("detail", containsString("query parameter 'event'"));
    }

    @Test
    void aWrongMethodIs405AndAnUnknownPathIs404() {
        problem(given().when().delete("/orders").then(), 405);
        problem(given().when().get("/nothing-here").then(), 404);
    }

    private static ValidatableResponse problem(ValidatableResponse response, int status) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("detail", not(containsString("Exception")))
                .body("detail", not(containsString("\tat ")));
    }

    /** The orders the service keeps, by its {@code agentdojo.orders} gauges (one per status). */
    private double ordersKept() {
        return registry.find("agentdojo.orders").gauges().stream().mapToDouble(Gauge::value).sum();
    }
}
