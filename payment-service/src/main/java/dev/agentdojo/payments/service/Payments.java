package dev.agentdojo.payments.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The payments made, one per order at most, in payment-service's database (table {@code payments}),
 * shared by every instance of the service: however often and wherever {@code payment:process}
 * arrives for an order (a redelivery, another instance after a crash), the order has one payment
 * and one outcome. The database enforces it: the order id is the table's key, so a second
 * {@link #begin} records nothing; a payment moves out of {@code CHARGING} once, so a second
 * {@link #complete} changes nothing and commits no event.
 *
 * <p>{@link #begin} and {@link #complete} are asynchronous, and batched with other orders'
 * ({@link PaymentWrites}); everything else is blocking (JDBC): call it on worker threads. The
 * counter {@code agentdojo.payments{outcome}} counts the outcomes this process recorded.
 */
@ApplicationScoped
public class Payments {

    private final PaymentWrites writes;
    private final MeterRegistry registry;

    Payments(PaymentWrites writes, MeterRegistry registry) {
        this.writes = writes;
        this.registry = registry;
    }

    /**
     * Records the order's payment as {@code CHARGING} before its charge, unless it has one;
     * answers the order's payment: still {@code CHARGING} (new, or left so by a crash) when the
     * gateway must be called, final when the order was charged before.
     */
    public Uni<Payment> begin(String orderId, BigDecimal amount, String currency) {
        return Uni.createFrom().completionStage(() -> writes.begin(new PaymentWrites.Charge(orderId, amount, currency, Instant.now())));
    }

    /**
     * Records the gateway's answer for a {@code CHARGING} payment, with the events that announce
     * it, in one transaction; answers false (and commits nothing) when it was completed before.
     */
    public Uni<Boolean> complete(String orderId, PaymentGateway.Result result, List<dev.agentdojo.service.outbox.TransactionalOutbox.Outgoing> events) {
        return Uni.createFrom().completionStage(() -> writes.complete(new PaymentWrites.Outcome(orderId, result, events)))
                .invoke(completed -> {
                    if (completed) {
                        registry.counter("agentdojo.payments", "outcome", result.status().name()).increment();
                    }
                });
    }

    @Transactional
    public Optional<Payment> forOrder(String orderId) {
        return StoredPayment.<StoredPayment>findByIdOptional(orderId).map(StoredPayment::toPayment);
    }

    @Transactional
    public List<Payment> newest(int limit) {
        return StoredPayment.<StoredPayment>find("order by chargedAt desc").page(0, limit).stream()
                .map(StoredPayment::toPayment).toList();
    }
}
