package dev.agentdojo.e2e;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Parts of the system fail under a steady stream of orders; afterwards every order accepted with a
 * 202 is final and was charged once, and nothing answered with a 5xx other than a clear 503.
 */
class ReliabilityIT extends EndToEndTest {

    private static final Duration FINAL_WITHIN = Duration.ofSeconds(60);


    @Test
    void anOrderServiceKilledAndRestartedStillHasEveryOrderItAccepted() throws Exception {
        Stream stream = new Stream("os-kill");
        stream.send(300);
        stream.sendAsync(16);
        env.orders.kill9(); // with requests in flight
        long killed = System.nanoTime();
        env.orders.start();
        long recovered = System.nanoTime() - killed;
        stream.send(250);

        stream.assertEveryAcceptedOrderFinalAndChargedOnce();
        stream.report("order-service kill -9, restart took " + TimeUnit.NANOSECONDS.toMillis(recovered) + " ms");
        assertThat(stream.refused).as("only the requests in flight at the kill fail, as connections")
                .allMatch(status -> status == -1).hasSizeLessThanOrEqualTo(16);
    }

    @Test
    void aBrokerStoppedForTwentySecondsOnABusyMachineTurnsNoCustomerAway() throws Exception {
        Stream stream = new Stream("broker-out");
        stream.send(100);
        long restarted;
        try (CpuHogs hogs = CpuHogs.onEveryCore()) {
            assertThat(hogs.count()).isPositive();
            env.kafka.stop();
            stream.streamFor(Duration.ofSeconds(20));
            env.kafka.restart();
            restarted = System.nanoTime();
            stream.send(100);
            stream.awaitAnswers();
        }

        assertThat(env.orders.isAlive()).isTrue();
        assertThat(env.payments.isAlive()).isTrue();
        assertThat(stream.refused).as("orders are committed with their events, and relayed when the broker is back").isEmpty();
        stream.assertEveryAcceptedOrderFinalAndChargedOnce();
        // this stream's orders, each in order on the topic (a batch the broker refused is sent again whole: RelayBlockedIT)
        assertThat(EventLog.effectsBeforeTheirCauses(env.kafka, stream.accepted)).as("each order's events in order on the topic").isEmpty();
        stream.report("broker stopped 20 s with every core busy; all final " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - restarted)
                + " s after the broker came back; slowest answer " + stream.slowest().toMillis() + " ms");
    }

    @Test
    void postgresKilledForFifteenSecondsOnABusyMachineIsAnsweredInTimeAndLosesNothing() throws Exception {
        Stream stream = new Stream("pg-kill");
        stream.send(50);
        try (CpuHogs hogs = CpuHogs.onEveryCore()) {
            assertThat(hogs.count()).isPositive();
            env.postgres.kill();
            stream.streamFor(Duration.ofSeconds(15));
            env.postgres.restart();
            stream.streamFor(Duration.ofSeconds(5));
            stream.awaitAnswers();
        }
        assertDatabaseOutageHandled(stream, "PostgreSQL killed (SIGKILL) for 15 s");
    }

    @Test
    void postgresStalledForThirtySecondsOnABusyMachineIsAnsweredInTimeAndLosesNothing() throws Exception {
        Stream stream = new Stream("pg-stop");
        stream.send(50);
        try (CpuHogs hogs = CpuHogs.onEveryCore()) {
            assertThat(hogs.count()).isPositive();
            env.postgres.pause();
            try {
                stream.streamFor(Duration.ofSeconds(30));
            } finally {
                env.postgres.resume();
            }
            stream.streamFor(Duration.ofSeconds(5));
            stream.awaitAnswers();
        }
        assertDatabaseOutageHandled(stream, "PostgreSQL stopped (SIGSTOP) for 30 s");
    }

    /** Every request answered within 20 s with a 202 or a 503 that says when to try again; every 202 final, charged once. */
    private void assertDatabaseOutageHandled(Stream stream, String what) {
        assertThat(env.orders.isAlive()).isTrue();
        assertThat(env.payments.isAlive()).isTrue();
        assertThat(stream.refused).as("during the outage: 202, or a clear 503 (no 500, no hang)").allMatch(status -> status == 503);
        assertThat(stream.refusedWithoutRetryAfter.get()).as("a 503 says when to try again").isZero();
        assertThat(stream.slowest()).as("every request answered within 20 s").isLessThanOrEqualTo(Duration.ofSeconds(20));
        stream.assertEveryAcceptedOrderFinalAndChargedOnce();
        assertThat(EventLog.paymentsAskedFor(env.kafka).entrySet())
                .filteredOn(order -> order.getValue().startsWith(stream.prefix + "-"))
                .as("a payment is asked for accepted orders only: nothing of a refused one is left half-done")
                .allSatisfy(order -> assertThat(stream.accepted).contains(order.getKey()));
        stream.report(what + " with every core busy; slowest answer " + stream.slowest().toMillis() + " ms");
    }

    @Test
    void garbageAndPoisonOnTheTopicAreDeadLetteredAndDoNotStallLaterEvents() throws Exception {
        String poisonOrder = "poison-" + System.nanoTime();
        // garbage on each service's topic, written with that service's own login (the broker lets no one else)
        for (var owner : Map.of("order-service", EventLog.ORDERS, "payment-service", EventLog.PAYMENTS).entrySet()) {
            try (KafkaProducer<String, String> producer = EventLog.producer(env.kafka, owner.getKey())) {
                String topic = owner.getValue();
                producer.send(new ProducerRecord<>(topic, "junk", "\u0000\u00ffnot json at all{")).get(10, TimeUnit.SECONDS);
                producer.send(new ProducerRecord<>(topic, "x", "{\"id\":\"only-an-id\"}")).get(10, TimeUnit.SECONDS);
                producer.send(new ProducerRecord<>(topic, "u", "{\"id\":\"unknown-fields-1\",\"name\":\"audit:note\","
                        + "\"args\":[],\"timestamp\":\"2026-01-01T00:00:00Z\",\"source\":\"someone-else\","
                        + "\"correlationId\":\"unknown-fields-1\",\"causationId\":null,\"futureField\":{\"v\":2}}"))
                        .get(10, TimeUnit.SECONDS);
                if (topic.equals(EventLog.ORDERS)) {
                    producer.send(new ProducerRecord<>(topic, poisonOrder, "{\"id\":\"" + poisonOrder + "\",\"name\":\"payment:process\","
                            + "\"args\":[\"" + poisonOrder + "\",1e999999999,\"EUR\"],\"timestamp\":\"2026-01-01T00:00:00Z\","
                            + "\"source\":\"order-service\",\"correlationId\":\"" + poisonOrder + "\",\"causationId\":null}"))
                            .get(10, TimeUnit.SECONDS);
                }
            }
        }
        Stream stream = new Stream("after-garbage");
        stream.send(100);

        stream.assertEveryAcceptedOrderFinalAndChargedOnce();
        stream.report("garbage and a poison payment request on the topic");
        for (ServiceProcess service : List.of(env.orders, env.payments)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(service.log()).contains("Dead-lettered a record that is not an event envelope"));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(service.log()).contains("audit:note"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> EventLog.deadLettered(env.kafka).keySet().stream()
                .anyMatch(value -> value.contains(poisonOrder)));
        Map<String, String> deadLetters = EventLog.deadLettered(env.kafka);
        assertThat(deadLetters).hasEntrySatisfying(deadLetters.keySet().stream().filter(v -> v.contains(poisonOrder)).findFirst().orElseThrow(),
                reason -> assertThat(reason).contains("amount"));
        assertThat(deadLetters.keySet()).anyMatch(v -> v.contains("not json at all"));
        assertThat(EventLog.outcomesPerOrder(env.kafka)).doesNotContainKey(poisonOrder);
    }

    /** A stream of orders placed by this test, and what became of them. */
    private final class Stream {

        final String prefix;
        final List<String> accepted = new CopyOnWriteArrayList<>();
        final List<Integer> refused = new CopyOnWriteArrayList<>();
        final Map<Integer, Boolean> pending = new ConcurrentHashMap<>();
        final AtomicLong slowestNanos = new AtomicLong();
        final AtomicInteger refusedWithoutRetryAfter = new AtomicInteger();
        final AtomicInteger counter = new AtomicInteger();

        Stream(String prefix) {
            this.prefix = prefix;
        }

        /** Places {@code n} orders, 16 at a time, and waits for every answer. */
        void send(int n) throws InterruptedException {
            for (int i = 0; i < n; i += 16) {
                sendAsync(Math.min(16, n - i));
                awaitAnswers();
            }
        }

        void sendAsync(int n) {
            for (int i = 0; i < n; i++) {
                int k = counter.incrementAndGet();
                pending.put(k, Boolean.TRUE);
                long sent = System.nanoTime();
                api.placeOrder(prefix + "-" + k, new BigDecimal(k % 9 == 0 ? "11000" : "15.50"))
                        .whenComplete((reply, failure) -> {
                            slowestNanos.accumulateAndGet(System.nanoTime() - sent, Math::max);
                            if (reply != null && reply.status() == 503 && reply.retryAfter() == null) {
                                refusedWithoutRetryAfter.incrementAndGet();
                            }
                            if (reply != null && reply.status() == 202) {
                                accepted.add(reply.text("id"));
                            } else {
                                refused.add(reply == null ? -1 : reply.status());
                            }
                            pending.remove(k);
                        });
            }
        }

        /** Places 20 orders a second for {@code duration}, without waiting for the answers. */
        void streamFor(Duration duration) throws InterruptedException {
            long start = System.nanoTime();
            while (System.nanoTime() - start < duration.toNanos()) {
                sendAsync(5);
                TimeUnit.MILLISECONDS.sleep(250);
            }
        }

        /** The longest time any request of this stream waited for its answer. */
        Duration slowest() {
            return Duration.ofNanos(slowestNanos.get());
        }

        void report(String what) {
            Map<Integer, Long> byStatus = refused.stream().collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()));
            System.out.printf("%s: %d orders sent, %d accepted, %d refused (by status, -1 = no answer: %s), all accepted final, each charged once%n",
                    what, counter.get(), accepted.size(), refused.size(), byStatus);
        }

        void awaitAnswers() {
            await().atMost(Duration.ofSeconds(90)).until(pending::isEmpty);
        }

        void assertEveryAcceptedOrderFinalAndChargedOnce() {
            awaitAnswers();
            assertThat(accepted).isNotEmpty();
            await().atMost(FINAL_WITHIN).pollInterval(Duration.ofMillis(500))
                    .until(() -> accepted.stream().allMatch(id -> {
                        Api.Reply order = api.getOrder(id);
                        return order.status() == 200 && !"PENDING".equals(order.text("status"));
                    }));
            Map<String, Long> outcomes = EventLog.outcomesPerOrder(env.kafka);
            assertThat(accepted).allSatisfy(id -> assertThat(outcomes.get(id)).as("payment outcomes of " + id).isEqualTo(1L));
            assertThat(paymentsMatchingTheirOneCharge(accepted)).as("each payment is the gateway's one charge for its order")
                    .isEqualTo(accepted.size());
        }
    }
}
