package dev.agentdojo.orders;

import dev.agentdojo.postgres.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code orders.answer-within}: a request whose work the database has not confirmed by the deadline
 * is answered then, 503, saying that it may have been done — never "nothing was done" — and the
 * same request sent again with its key answers the order that was placed, placed once.
 */
@QuarkusTest
@TestProfile(PlacingDeadlineTest.ShortDeadline.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "orders"))
class PlacingDeadlineTest {

    public static class ShortDeadline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("orders.answer-within", "2s");
        }
    }

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @Test
    void workNotConfirmedByTheDeadlineIsAnsweredAsMaybeDone_andARetryWithItsKeyAnswersTheOneOrderPlaced() throws Exception {
        String key = "deadline-" + UUID.randomUUID();
        sql("create or replace function slow_insert() returns trigger language plpgsql as "
                + "$$ begin perform pg_sleep(4); return new; end $$");
        sql("create trigger slow_orders before insert on orders for each row execute function slow_insert()");
        Response first;
        long answeredAfterMs;
        try {
            long start = System.nanoTime();
            first = place(key);
            answeredAfterMs = (System.nanoTime() - start) / 1_000_000;
        } finally {
            sql("drop trigger slow_orders on orders");
        }

        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(first.header("Retry-After")).isNotNull();
        assertThat(first.jsonPath().getString("detail")).contains("may have been", "same Idempotency-Key is safe")
                .doesNotContain("nothing was done");
        assertThat(answeredAfterMs).as("answered at the deadline, not when the database was done").isLessThan(4_000);

        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from idempotency_keys where key = '" + key + "'") == 1);
        Response again = place(key);
        assertThat(again.statusCode()).isEqualTo(202);
        String placed = again.jsonPath().getString("id");
        assertThat(count("select count(*) from orders where id = '" + placed + "'")).isEqualTo(1);
        assertThat(count("select count(*) from idempotency_keys where key = '" + key + "'")).as("placed once").isEqualTo(1);
    }

    @Test
    void readsShareTheDeadlineToo_andAreAnswered503TryAgainWhenTheDatabaseDoesNotAnswer() throws Exception {
        String id = place("read-" + UUID.randomUUID()).jsonPath().getString("id");
        try (Connection lock = DriverManager.getConnection(jdbcUrl, user, password); Statement s = lock.createStatement()) {
            lock.setAutoCommit(false);
            s.execute("lock table orders in access exclusive mode"); // every read of it waits
            for (String path : new String[] {"/orders/" + id, "/orders/" + id + "/events", "/orders"}) {
                long start = System.nanoTime();
                Response read = given().when().get(path);
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertThat(read.statusCode()).as(path).isEqualTo(503);
                assertThat(read.jsonPath().getString("detail")).as(path).contains("try again");
                assertThat(ms).as(path + " answered at the deadline").isLessThan(10_000);
            }
            lock.rollback();
        }
        assertThat(given().when().get("/orders/" + id).statusCode()).isEqualTo(200);
    }

    private static Response place(String key) {
        return given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body("{\"customer\":\"deadline\",\"amount\":5.00}").when().post("/orders");
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement();
             ResultSet row = s.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
