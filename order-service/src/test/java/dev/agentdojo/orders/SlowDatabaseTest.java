package dev.agentdojo.orders;

import dev.agentdojo.postgres.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database that is slow but answers — every new order's insert takes seconds (a trigger with
 * {@code pg_sleep}), so batches run into the statement timeout and are written again item by item —
 * still gets every {@code POST /orders} answered within 20 s, with a key or without: 202, or 503
 * saying either that nothing was done or that it may have been. A request answered "may have been"
 * and sent again with its key once the database is quick again places nothing twice.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "orders"))
class SlowDatabaseTest {

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @Test
    void everyRequestIsAnsweredWithin20sWhenTheDatabaseIsSlow_andARetryWithTheSameKeyPlacesNothingTwice() throws Exception {
        Map<String, Response> keyed = new ConcurrentHashMap<>();
        Map<Response, Long> answeredAfterMs = new ConcurrentHashMap<>();
        Map<Response, String> customers = new ConcurrentHashMap<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        sql("create or replace function slow_insert() returns trigger language plpgsql as "
                + "$$ begin perform pg_sleep(2.5); return new; end $$");
        sql("create trigger slow_orders before insert on orders for each row execute function slow_insert()");
        try {
            List<CompletableFuture<Void>> requests = IntStream.range(0, 12).mapToObj(i -> CompletableFuture.runAsync(() -> {
                String key = i % 2 == 0 ? "slow-" + UUID.randomUUID() : null;
                String customer = "slow-" + run + "-" + i;
                long start = System.nanoTime();
                Response response = place(customer, key);
                answeredAfterMs.put(response, (System.nanoTime() - start) / 1_000_000);
                customers.put(response, customer);
                if (key != null) {
                    keyed.put(key, response);
                }
            })).toList();
            CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).get();
        } finally {
            sql("drop trigger slow_orders on orders"); // waits for the inserts still sleeping
        }

        assertThat(answeredAfterMs.values()).as("every request answered within 20 s").hasSize(12).allMatch(ms -> ms < 20_000);
        for (Response r : answeredAfterMs.keySet()) {
            assertThat(r.statusCode()).isIn(202, 503);
            if (r.statusCode() == 503) {
                assertThat(r.header("Retry-After")).isNotNull();
                assertThat(r.jsonPath().getString("detail")).containsAnyOf("nothing was done", "it may have been");
                if (r.jsonPath().getString("detail").contains("nothing was done")) {
                    assertThat(count("select count(*) from orders where customer = '" + customers.get(r) + "'"))
                            .as("'nothing was done', and no order was placed").isZero();
                }
            }
        }
        System.out.printf("slow database: answered %s after %s ms%n",
                answeredAfterMs.keySet().stream().map(Response::statusCode).toList(), answeredAfterMs.values());

        // quick again: every keyed request sent again answers its one order, placed once
        for (Map.Entry<String, Response> request : keyed.entrySet()) {
            Response again = place(customers.get(request.getValue()), request.getKey());
            assertThat(again.statusCode()).isEqualTo(202);
            if (request.getValue().statusCode() == 202) {
                assertThat(again.jsonPath().getString("id")).isEqualTo(request.getValue().jsonPath().getString("id"));
            }
            assertThat(count("select count(*) from idempotency_keys where key = '" + request.getKey() + "'")).isEqualTo(1);
        }
    }

    private static Response place(String customer, String key) {
        var request = given().contentType(ContentType.JSON).body("{\"customer\":\"" + customer + "\",\"amount\":5.00}");
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.when().post("/orders");
    }

    private void sql(String statement) throws SQLException {
        // a connection of its own, without the service's timeouts: the test's statements may wait as long as they need
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement();
             ResultSet row = s.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
