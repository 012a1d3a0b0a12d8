package dev.agentdojo.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of each service, started with nothing but another HTTP port: they share the topic's
 * partitions instead of fencing each other, one of each relays its outbox, and they survive the
 * relaying payment-service instance killed with SIGKILL and an order-service instance restarted
 * mid-stream, and answer the same for every order.
 */
class ScaleOutIT extends EndToEndTest {

    private static final int ORDERS = 1_000;

    @Test
    void twoInstancesOfEachServiceShareTheWorkAndLoseNothingWhenOneIsKilledAndOneRestarted() throws Exception {
        ServiceProcess orders2 = env.another("order-service", "order-service-2");
        ServiceProcess payments2 = env.another("payment-service", "payment-service-2");
        try {
            payments2.start();
            orders2.start();
            Api first = api;
            Api second = new Api(orders2, payments2);
            await("each service's six partitions shared by its two instances").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> shared(env.orders, orders2) && shared(env.payments, payments2));
            assertThat(env.orders.ready()).as("a sibling on another port fences nobody").isTrue();

            await("one payment-service instance relays, the other stands by").atMost(Duration.ofSeconds(30))
                    .until(() -> api.relaying(env.payments) != api.relaying(payments2));
            assertThat(api.relaying(env.orders) != api.relaying(orders2)).as("one order-service instance relays").isTrue();
            ServiceProcess relaying = api.relaying(env.payments) ? env.payments : payments2;
            ServiceProcess survivor = relaying == env.payments ? payments2 : env.payments;

            List<String> accepted = new CopyOnWriteArrayList<>();
            Semaphore inFlight = new Semaphore(16);
            CompletableFuture<Long> takenOver = new CompletableFuture<>();
            CompletableFuture<Long> relayTakenOver = new CompletableFuture<>();
            for (int i = 0; i < ORDERS; i++) {
                if (i == ORDERS * 3 / 10) {
                    relaying.kill9();
                    long killedAt = System.nanoTime();
                    CompletableFuture.runAsync(() -> { // how long the survivor takes to hold all six partitions
                        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                                .until(() -> api.partitions(survivor) == 6);
                        takenOver.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
                    });
                    CompletableFuture.runAsync(() -> { // ... and to relay the outbox the killed one relayed
                        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                                .until(() -> api.relaying(survivor));
                        relayTakenOver.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
                    });
                }
                if (i == ORDERS * 6 / 10) { // restart one order-service instance, its requests answered first
                    inFlight.acquire(16);
                    inFlight.release(16);
                    orders2.stop();
                    orders2.start();
                }
                inFlight.acquire();
                Api to = i % 2 == 0 ? first : second;
                to.placeOrder("scale-" + i, new BigDecimal(i % 10 == 0 ? "12000" : "20.00"))
                        .whenComplete((reply, failure) -> {
                            if (reply != null && reply.status() == 202) {
                                accepted.add(reply.text("id"));
                            }
                            inFlight.release(); // only once recorded: the test reads accepted once all permits are back
                        });
            }
            inFlight.acquire(16);
            inFlight.release(16);
            long takeOverMs = takenOver.get(90, TimeUnit.SECONDS); // the surviving payment-service holds the killed one's partitions
            long relayTakeOverMs = relayTakenOver.get(90, TimeUnit.SECONDS);
            assertThat(relayTakeOverMs).as("the survivor relays within 15 s of the kill").isLessThanOrEqualTo(15_000);
            assertThat(accepted).as("every order is accepted: two instances take them").hasSize(ORDERS);

            await("every accepted order final").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> pendingIn(accepted) == 0);
            for (String id : accepted) {
                JsonNode one = first.getOrder(id).body();
                JsonNode other = second.getOrder(id).body();
                assertThat(other).as("order %s on both order-service instances", id).isEqualTo(one);
                assertThat(one.path("status").asText()).isIn("CONFIRMED", "PAYMENT_FAILED");
            }
            assertThat(paymentRows(accepted)).as("one payment row per order").isEqualTo(accepted.size());
            assertThat(paymentsMatchingTheirOneCharge(accepted)).as("each payment is the gateway's one charge for its order")
                    .isEqualTo(accepted.size());
            Map<String, Long> outcomes = EventLog.outcomesPerOrder(env.kafka);
            assertThat(accepted).allSatisfy(id -> assertThat(outcomes.get(id)).as("outcome events of order " + id).isEqualTo(1L));
            for (String id : accepted.subList(0, 50)) {
                assertThat(first.chain(id).body().path("hops").findValuesAsText("event"))
                        .containsExactly("order:created", "payment:process",
                                first.getOrder(id).text("status").equals("CONFIRMED") ? "order:confirmed" : "payment:failed");
            }
            System.out.printf("two instances of each service: %d orders, all final and the same on both order-service instances, "
                    + "each charged and announced once; after the relaying payment-service's kill -9 the survivor relayed "
                    + "its outbox %d ms later and had all 6 partitions %d ms later%n", accepted.size(), relayTakeOverMs, takeOverMs);
        } finally {
            orders2.stop();
            payments2.stop();
            if (!env.payments.isAlive()) {
                env.payments.start(); // the other tests' instance, killed as the relaying one
            }
        }
    }

    private static boolean shared(ServiceProcess one, ServiceProcess other) {
        int a = api.partitions(one);
        int b = api.partitions(other);
        return a > 0 && b > 0 && a + b == 6;
    }

    /** How many of the orders the order-service database does not have final (yet). */
    private static long pendingIn(List<String> ids) {
        return ids.size() - query("orders", "select count(*) from orders where id = any(?) and status <> 'PENDING'", ids);
    }

    private static long paymentRows(List<String> ids) {
        return query("payments", "select count(*) from payments where order_id = any(?)", ids);
    }

    private static long query(String database, String sql, List<String> ids) {
        try (Connection c = DriverManager.getConnection(env.postgres.jdbcUrl(database), dev.agentdojo.postgres.LocalPostgres.USER, env.postgres.password(dev.agentdojo.postgres.LocalPostgres.USER));
             PreparedStatement statement = c.prepareStatement(sql)) {
            Array array = c.createArrayOf("varchar", ids.toArray());
            statement.setArray(1, array);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
