package dev.agentdojo.e2e;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** 64 clients post orders as fast as they are answered, for 60 s: no 5xx, no order lost. */
class ConcurrentClientsIT extends EndToEndTest {

    private static final int CLIENTS = 64;
    private static final Duration RUN = Duration.ofSeconds(Long.getLong("e2e.concurrent.seconds", 60));


    @Test
    void sixtyFourClientsForAMinuteGetNo5xxAndLoseNoOrder() throws Exception {
        List<String> accepted = new CopyOnWriteArrayList<>();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Semaphore clients = new Semaphore(CLIENTS);
        long end = System.nanoTime() + RUN.toNanos();
        int n = 0;
        while (System.nanoTime() < end) {
            if (!clients.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            n++;
            api.placeOrder("client-" + (n % CLIENTS), new BigDecimal(n % 25 == 0 ? "30000" : "9.99"))
                    .whenComplete((reply, failure) -> {
                        int status = reply == null ? -1 : reply.status();
                        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        if (status == 202) {
                            accepted.add(reply.text("id"));
                        }
                        clients.release();
                    });
        }
        clients.acquire(CLIENTS);

        assertThat(statuses.keySet()).as("answers by status: " + statuses).containsOnly(202);
        assertThat(accepted).hasSizeGreaterThan(1_000);
        // Every accepted order is answered, however far payment-service lags behind on a busy machine
        // (the POSTs do not wait for it); each try reads the whole topic, so not too often.
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(5)).until(() -> {
            Map<String, Long> outcomes = EventLog.outcomesPerOrder(env.kafka);
            return accepted.stream().allMatch(outcomes::containsKey);
        });
        Map<String, Long> outcomes = EventLog.outcomesPerOrder(env.kafka);
        assertThat(accepted).allSatisfy(id -> assertThat(outcomes.get(id)).as("outcomes of " + id).isEqualTo(1L));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> accepted.stream().allMatch(id -> !"PENDING".equals(api.getOrder(id).text("status"))));
        System.out.printf("64 clients, %d s: %d orders accepted, answers %s%n", RUN.toSeconds(), accepted.size(), statuses);
    }
}
