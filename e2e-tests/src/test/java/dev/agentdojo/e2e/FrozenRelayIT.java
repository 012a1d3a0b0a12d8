package dev.agentdojo.e2e;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relaying order-service instance frozen with SIGSTOP — alive to the kernel, its sockets and its
 * database sessions open, doing nothing — for longer than the relay's lease, under a stream of orders
 * placed on its sibling, with two CPU hogs: the sibling takes the relay over, every order is final
 * within a minute of being placed, one outcome each, and the frozen one, once it wakes, sends nothing.
 */
class FrozenRelayIT extends EndToEndTest {

    private static final Duration FROZEN_FOR = Duration.ofSeconds(40);
    private static final Duration FINAL_WITHIN = Duration.ofSeconds(60);

    @Test
    void aFrozenRelayIsTakenOverWithinTheLease_andSendsNothingWhenItWakes() throws Exception {
        ServiceProcess sibling = env.another("order-service", "order-service-frozen-test");
        try (CpuHogs hogs = CpuHogs.onEveryCore()) {
            sibling.start();
            await("one order-service instance relays").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> api.relaying(env.orders) != api.relaying(sibling));
            ServiceProcess relaying = api.relaying(env.orders) ? env.orders : sibling;
            ServiceProcess other = relaying == env.orders ? sibling : env.orders;
            Api onOther = new Api(other, env.payments);

            Map<String, Long> placedAt = new ConcurrentHashMap<>();
            Map<String, Long> finalAt = new ConcurrentHashMap<>();
            List<String> refused = new CopyOnWriteArrayList<>();

            // Busy when frozen: clients place orders back to back on the sibling for a few seconds before
            // the freeze, so the relay has events in hand (in its engine, its producer's buffer) when it stops.
            List<String> busyOrders = new CopyOnWriteArrayList<>();
            try (Load load = new Load(List.of(onOther), 4, busyOrders, refused)) {
                await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
                relaying.freeze();
            }
            busyOrders.forEach(id -> placedAt.put(id, System.nanoTime()));
            long frozenAt = System.nanoTime();
            long takenOverMs = -1;
            try {
                while (System.nanoTime() - frozenAt < FROZEN_FOR.toNanos()) {
                    place(onOther, placedAt, refused);
                    if (takenOverMs < 0 && api.relaying(other)) {
                        takenOverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
                    }
                    recordFinal(placedAt, finalAt);
                    await().pollDelay(Duration.ofMillis(200)).until(() -> true); // about 4 orders a second
                }
            } finally {
                relaying.thaw();
            }
            for (int i = 0; i < 20; i++) { // and on after it woke
                place(onOther, placedAt, refused);
                await().pollDelay(Duration.ofMillis(200)).until(() -> true);
            }
            long lastPlaced = System.nanoTime();
            await("every order final").atMost(FINAL_WITHIN.plusSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        recordFinal(placedAt, finalAt);
                        return finalAt.size() == placedAt.size() || System.nanoTime() - lastPlaced > FINAL_WITHIN.toNanos();
                    });

            assertThat(refused).as("the sibling takes every order").isEmpty();
            assertThat(takenOverMs).as("the sibling took the relay over while the other was frozen").isBetween(0L, 30_000L);
            assertThat(finalAt.keySet()).as("every order final").containsExactlyInAnyOrderElementsOf(placedAt.keySet());
            long slowest = placedAt.keySet().stream().mapToLong(id -> finalAt.get(id) - placedAt.get(id)).max().orElse(0);
            assertThat(TimeUnit.NANOSECONDS.toMillis(slowest)).as("each final within a minute of being placed")
                    .isLessThanOrEqualTo(FINAL_WITHIN.toMillis());
            Map<String, Long> outcomes = EventLog.outcomesPerOrder(env.kafka);
            assertThat(placedAt.keySet()).allSatisfy(id -> assertThat(outcomes.get(id)).as("outcomes of order " + id).isEqualTo(1L));

            // The frozen one woke up after losing its lease, with events in hand: judged by event id and by who relayed
            // each copy (never by a timestamp, which names when a record was handed to a producer, not when it landed).
            // In each partition, once the sibling relayed, the frozen one never relays again; an event sent twice was
            // first relayed by the frozen one (before it froze) and again by the sibling from the slot's position.
            await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> true);
            List<EventLog.Copy> copies = EventLog.copies(env.kafka, EventLog.ORDERS).stream()
                    .filter(c -> placedAt.containsKey(c.envelope().path("args").path(0).asText()))
                    .toList();
            String frozenRelay = copies.stream().filter(c -> busyOrders.contains(c.envelope().path("args").path(0).asText()))
                    .map(EventLog.Copy::relayedBy).findFirst().orElseThrow();
            assertThat(copies).as("every copy names its relay").allSatisfy(c -> assertThat(c.relayedBy()).isNotNull());
            assertThat(copies.stream().filter(c -> c.relayedBy().equals(frozenRelay)).count()).as("relayed by the frozen one").isPositive();
            List<String> afterTheSibling = new ArrayList<>();
            Map<Integer, Boolean> siblingSeen = new java.util.HashMap<>();
            Map<String, String> firstRelayOf = new java.util.HashMap<>();
            List<String> copiedWrongly = new ArrayList<>();
            for (EventLog.Copy copy : copies) { // partition by partition, each in offset order
                boolean fromFrozen = copy.relayedBy().equals(frozenRelay);
                if (!fromFrozen) {
                    siblingSeen.put(copy.partition(), true);
                } else if (siblingSeen.getOrDefault(copy.partition(), false)) {
                    afterTheSibling.add(copy.eventId() + "@" + copy.partition() + ":" + copy.offset());
                }
                String first = firstRelayOf.putIfAbsent(copy.eventId(), copy.relayedBy());
                if (first != null && (!first.equals(frozenRelay) || fromFrozen)) {
                    copiedWrongly.add(copy.eventId());
                }
            }
            assertThat(afterTheSibling).as("records the frozen relay put on the topic after its sibling took over").isEmpty();
            assertThat(copiedWrongly).as("second copies other than the sibling re-sending what the frozen one relayed").isEmpty();
            assertThat(relaying.isAlive()).isTrue();
            await("the woken instance stands by, ready").atMost(Duration.ofSeconds(60)).until(relaying::ready);
            assertThat(api.relaying(relaying)).as("it stands by: the sibling relays").isFalse();
            System.out.printf("relaying order-service frozen for %d s, busy (%d orders placed by 4 clients just before), under %d "
                    + "orders in all (two CPU hogs): taken over after %d ms; every order final, the slowest %d ms after it was placed; "
                    + "%d records on the topic, %d sent twice (by the sibling, from the slot), none by the frozen one after it%n",
                    FROZEN_FOR.toSeconds(), busyOrders.size(), placedAt.size(), takenOverMs, TimeUnit.NANOSECONDS.toMillis(slowest),
                    copies.size(), copies.size() - firstRelayOf.size());
        } finally {
            sibling.stop();
        }
        await("order-service relays again alone").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.relaying(env.orders));
    }

    /** Clients placing orders back to back on {@code apis}, until closed; what they place is noted in {@code placed}. */
    private static final class Load implements AutoCloseable {
        private final java.util.concurrent.ExecutorService clients;
        private volatile boolean stopping;

        Load(List<Api> apis, int clients, List<String> placed, List<String> refused) {
            this.clients = java.util.concurrent.Executors.newFixedThreadPool(clients);
            for (int i = 0; i < clients; i++) {
                Api to = apis.get(i % apis.size());
                this.clients.submit(() -> {
                    while (!stopping) {
                        try {
                            Api.Reply reply = to.placeOrder("frozen-relay-busy", new BigDecimal("9.00")).get(30, TimeUnit.SECONDS);
                            if (reply.status() == 202) {
                                placed.add(reply.text("id"));
                            } else {
                                refused.add(reply.status() + " " + reply.body());
                            }
                        } catch (Exception e) {
                            refused.add(e.toString());
                        }
                    }
                    return null;
                });
            }
        }

        @Override
        public void close() throws InterruptedException {
            stopping = true;
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static void place(Api to, Map<String, Long> placedAt, List<String> refused) throws Exception {
        Api.Reply reply = to.placeOrder("frozen-relay", new BigDecimal("21.00")).get(30, TimeUnit.SECONDS);
        if (reply.status() == 202) {
            placedAt.put(reply.text("id"), System.nanoTime());
        } else {
            refused.add(reply.status() + " " + reply.body());
        }
    }

    /** Notes when each order that was placed is first seen final in order-service's database. */
    private static void recordFinal(Map<String, Long> placedAt, Map<String, Long> finalAt) throws SQLException {
        List<String> pending = placedAt.keySet().stream().filter(id -> !finalAt.containsKey(id)).toList();
        if (pending.isEmpty()) {
            return;
        }
        try (Connection c = DriverManager.getConnection(env.postgres.jdbcUrl("orders"), dev.agentdojo.postgres.LocalPostgres.USER,
                env.postgres.password(dev.agentdojo.postgres.LocalPostgres.USER));
             PreparedStatement select = c.prepareStatement("select id from orders where id = any(?) and status <> 'PENDING'")) {
            Array ids = c.createArrayOf("varchar", pending.toArray());
            select.setArray(1, ids);
            long now = System.nanoTime();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    finalAt.putIfAbsent(rows.getString(1), now);
                }
            }
        }
    }
}
