package dev.agentdojo.orders;

import dev.agentdojo.postgres.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reply to {@code COMMIT} lost on its way (the connection breaks after PostgreSQL committed):
 * the client is never told "nothing was done" for an order that exists. Each answer is 202, or 503
 * "it may have been done" naming where the order would be; "nothing was done" only where no order
 * was placed; a request sent again with its key answers the one order placed.
 */
@QuarkusTest
@WithTestResource(value = CommitReplyLostTest.PostgresBehindProxy.class)
class CommitReplyLostTest {

    /** PostgreSQL, with the service connected through a {@link CommitReplyLosingProxy}. */
    public static class PostgresBehindProxy implements QuarkusTestResourceLifecycleManager {
        static volatile LocalPostgres postgres;
        static volatile CommitReplyLosingProxy proxy;

        @Override
        public Map<String, String> start() {
            try {
                Path target = Files.createDirectories(Path.of("target"));
                postgres = LocalPostgres.start(Files.createTempDirectory(target, "postgres-"), LocalPostgres.freePort(), "orders");
                proxy = new CommitReplyLosingProxy(postgres.port());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // prepareThreshold=0: every COMMIT is sent as its text (never a named server-side statement), which the proxy knows it by
            return Map.of("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/orders?prepareThreshold=0",
                    "quarkus.datasource.username", "orders",
                    "quarkus.datasource.password", postgres.password("orders"));
        }

        @Override
        public void stop() {
            try {
                if (proxy != null) {
                    proxy.close();
                }
            } catch (IOException ignored) {
                // stopping anyway
            }
            if (postgres != null) {
                postgres.stop();
            }
        }
    }

    record Sent(String customer, String key, Response answer) {
    }

    @Test
    void anOrderWhoseCommitReplyIsLostIsNeverAnsweredNothingWasDone_andItsKeyAnswersTheOneOrder() throws Exception {
        CommitReplyLosingProxy proxy = PostgresBehindProxy.proxy;
        List<Sent> sent;
        proxy.loseCommitReplies(true);
        try {
            String run = UUID.randomUUID().toString().substring(0, 8);
            List<CompletableFuture<Sent>> requests = IntStream.range(0, 16).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                String customer = "lost-" + run + "-" + i;
                String key = i % 2 == 0 ? "lost-" + run + "-" + i : null;
                return new Sent(customer, key, place(customer, key));
            })).toList();
            sent = requests.stream().map(CompletableFuture::join).toList();
        } finally {
            proxy.loseCommitReplies(false);
        }
        assertThat(proxy.lost()).as("replies to COMMIT lost").isPositive();
        System.out.printf("commit replies lost: %d; answers %s%n", proxy.lost(), sent.stream().map(s -> s.answer().statusCode()).toList());

        for (Sent request : sent) {
            Response answer = request.answer();
            long stored = count("select count(*) from orders where customer = '" + request.customer() + "'");
            assertThat(answer.statusCode()).as(request.customer()).isIn(202, 503);
            if (answer.statusCode() == 202) {
                assertThat(stored).as("an accepted order exists").isEqualTo(1);
                continue;
            }
            String detail = answer.jsonPath().getString("detail");
            assertThat(answer.header("Retry-After")).isNotNull();
            if (detail.contains("nothing was done")) {
                assertThat(stored).as("'nothing was done' for " + request.customer() + ", yet its order exists: " + detail).isZero();
                continue;
            }
            assertThat(detail).contains("may have been", "same Idempotency-Key is safe");
            if (request.key() == null) {
                String location = answer.jsonPath().getString("location");
                assertThat(location).as("where to look, for a client without a key").startsWith("/orders/");
                Response looked = given().when().get(location);
                if (stored == 1) {
                    assertThat(looked.statusCode()).isEqualTo(200);
                    assertThat(looked.jsonPath().getString("customer")).isEqualTo(request.customer());
                } else {
                    assertThat(looked.statusCode()).isEqualTo(404);
                }
            }
        }

        // each keyed request sent again: its one order, placed once
        for (Sent request : sent) {
            if (request.key() == null) {
                continue;
            }
            Response again = place(request.customer(), request.key());
            assertThat(again.statusCode()).as(request.customer()).isEqualTo(202);
            assertThat(count("select count(*) from orders where customer = '" + request.customer() + "'")).as("placed once").isEqualTo(1);
            assertThat(again.jsonPath().getString("id")).isEqualTo(id(request.customer()));
            if (request.answer().statusCode() == 202) {
                assertThat(again.jsonPath().getString("id")).isEqualTo(request.answer().jsonPath().getString("id"));
            }
        }
    }

    private static Response place(String customer, String key) {
        var request = given().contentType(ContentType.JSON).body("{\"customer\":\"" + customer + "\",\"amount\":5.00}");
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.when().post("/orders");
    }

    private static Connection direct() throws SQLException {
        LocalPostgres postgres = PostgresBehindProxy.postgres;
        return DriverManager.getConnection(postgres.jdbcUrl("orders"), "orders", postgres.password("orders"));
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = direct(); Statement s = c.createStatement(); ResultSet row = s.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static String id(String customer) throws SQLException {
        try (Connection c = direct(); Statement s = c.createStatement();
             ResultSet row = s.executeQuery("select id from orders where customer = '" + customer + "'")) {
            return row.next() ? row.getString(1) : null;
        }
    }
}
