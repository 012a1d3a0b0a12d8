package dev.agentdojo.orders;

import dev.agentdojo.postgres.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When more new orders wait for the database than {@code service.group-commit.max-queued}, one more
 * is refused with 503 and {@code Retry-After}, and nothing of it is stored. The database is held up
 * for real: the test locks table {@code orders} while the orders arrive.
 */
@QuarkusTest
@TestProfile(DatabaseBusyTest.OneWaiting.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "orders"))
class DatabaseBusyTest {

    /** At most one write of a kind may wait while another is being written. */
    public static class OneWaiting implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("service.group-commit.max-queued", "1");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource dataSource;

    @Test
    void anOrderBeyondTheWaitingBoundIsRefusedWith503AndNothingIsStored() throws Exception {
        long before = count("select count(*) from orders");
        List<Response> refused;
        CompletableFuture<Response> first;
        List<CompletableFuture<Response>> more;
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (Statement s = lock.createStatement()) {
                s.execute("lock table orders in exclusive mode");
            }
            first = CompletableFuture.supplyAsync(DatabaseBusyTest::place);
            // the first order's insert is being written, and waits for the lock
            await().atMost(WAIT).until(() -> count("select count(*) from pg_stat_activity "
                    + "where wait_event_type = 'Lock' and query like 'insert into orders%'") == 1);
            // of five more, one may wait for the next batch; the other four are refused at once
            more = IntStream.range(0, 5).mapToObj(i -> CompletableFuture.supplyAsync(DatabaseBusyTest::place)).toList();
            await().atMost(WAIT).until(() -> more.stream().filter(CompletableFuture::isDone).count() == 4);
            refused = more.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList();
            lock.rollback();
        }

        assertThat(refused).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.header("Retry-After")).isEqualTo("1");
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.jsonPath().getString("detail")).contains("try again shortly");
        });
        assertThat(first.get().statusCode()).isEqualTo(202);
        List<Response> waited = more.stream().map(CompletableFuture::join).filter(r -> !refused.contains(r)).toList();
        assertThat(waited).singleElement().satisfies(r -> assertThat(r.statusCode()).isEqualTo(202));
        assertThat(count("select count(*) from orders")).isEqualTo(before + 2);
    }

    @Test
    void aStalledDatabaseIsAnswered503WithinTheDeadlineAndOrdersAreTakenAgainOnceItAnswers() throws Exception {
        long before = count("select count(*) from orders where customer = 'busy'");
        List<CompletableFuture<Response>> stalled;
        List<Long> answeredAfterMs = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (Statement s = lock.createStatement()) {
                s.execute("lock table orders in exclusive mode");
            }
            // held longer than the statement timeout and the queue's wait together: every request must still be answered
            stalled = IntStream.range(0, 3).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                Response response = place();
                answeredAfterMs.add((System.nanoTime() - start) / 1_000_000);
                return response;
            })).toList();
            await().atMost(WAIT).until(() -> stalled.stream().allMatch(CompletableFuture::isDone));
            lock.rollback();
        }

        assertThat(stalled).extracting(f -> f.join().statusCode()).containsOnly(503);
        assertThat(stalled).allSatisfy(f -> assertThat(f.join().header("Retry-After")).isNotNull());
        assertThat(answeredAfterMs).as("answered within 20 s").allMatch(ms -> ms < 20_000);
        System.out.printf("stalled database: answered 503 after %s ms%n", answeredAfterMs);
        assertThat(count("select count(*) from orders where customer = 'busy'")).isEqualTo(before);
        assertThat(place().statusCode()).isEqualTo(202);
    }

    private static Response place() {
        return given().contentType(ContentType.JSON)
                .body("{\"customer\":\"busy\",\"amount\":5.00}")
                .when().post("/orders");
    }

    private long count(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet row = s.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
