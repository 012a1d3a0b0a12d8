package dev.agentdojo.orders;

import dev.agentdojo.orders.service.Orders;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
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
class BadInputTest {

    @Inject
    Orders orders;

    private int ordersBefore;

    @BeforeEach
    void count() {
        ordersBefore = orders.size();
    }

    @AfterEach
    void nothingWasCreated() {
        assertThat(orders.size()).isEqualTo(ordersBefore);
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
            lower-case currency         | {"customer":"ada","amount":1,"currency":"eur"}        | currency must be three capital letters
            four-letter currency        | {"customer":"ada","amount":1,"currency":"EURO"}       | currency must be three capital letters
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
    void anOversizedBodyIsRefused() {
        given().contentType(ContentType.JSON).body("{\"customer\":\"" + "a".repeat(40_000) + "\",\"amount\":1}")
                .when().post("/orders").then().statusCode(413);
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
}
