package dev.agentdojo.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** kill -9 of payment-service in the middle of a batch: nothing lost, nothing charged twice. */
class PaymentServiceCrashIT extends EndToEndTest {

    @Test
    void aPaymentServiceKilledMidBatchAndRestartedLeavesEveryOrderFinalAndChargedOnce() {
        int total = 600;
        List<String> accepted = new CopyOnWriteArrayList<>();
        AtomicInteger sent = new AtomicInteger();
        Semaphore inFlight = new Semaphore(16);
        CompletableFuture<Void> killed = new CompletableFuture<>();
        for (int i = 0; i < total; i++) {
            inFlight.acquireUninterruptibly();
            if (i == total / 3) {
                env.payments.kill9();
                killed.complete(null);
            }
            api.placeOrder("crash-" + i, new BigDecimal(i % 7 == 0 ? "12000" : "20.00"))
                    .whenComplete((reply, failure) -> {
                        if (reply != null && reply.status() == 202) {
                            accepted.add(reply.text("id"));
                        }
                        // counted only once recorded: the test reads accepted as soon as the count is complete
                        sent.incrementAndGet();
                        inFlight.release();
                    });
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() == total);
        assertThat(killed).isDone();
        assertThat(env.payments.isAlive()).isFalse();
        assertThat(accepted).as("order-service takes orders while payment-service is down").hasSize(total);

        env.payments.start();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> accepted.stream().noneMatch(id -> "PENDING".equals(api.getOrder(id).text("status"))));
        Map<String, Long> outcomesPerOrder = EventLog.outcomesPerOrder(env.kafka);
        assertThat(accepted).allSatisfy(id -> assertThat(outcomesPerOrder.get(id)).as("outcomes of order " + id).isEqualTo(1L));
        System.out.printf("payment-service kill -9 at order %d of %d: %d accepted, all final, each charged once%n",
                total / 3, total, accepted.size());
        assertThat(accepted).allSatisfy(id -> {
            JsonNode payment = api.payment(id).body();
            assertThat(payment.path("orderId").asText()).isEqualTo(id);
        });
        assertThat(paymentsMatchingTheirOneCharge(accepted))
                .as("every payment is the gateway's one charge under its order's key (none CHARGING, none charged twice)")
                .isEqualTo(accepted.size());
    }
}
