package dev.agentdojo.payments.service;

import dev.agentdojo.bus.Event;
import dev.agentdojo.payments.model.GatewayResult;
import dev.agentdojo.payments.model.Payment;
import dev.agentdojo.payments.repository.PaymentRepository;
import dev.agentdojo.payments.repository.PaymentWrites;
import dev.agentdojo.payments.repository.StalledPayment;
import dev.agentdojo.service.chain.PaymentRequested;
import dev.agentdojo.outbox.TransactionalOutbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Records each order's payment, one per order however often and wherever {@code payment:process}
 * arrives (a redelivery, another instance after a crash): a second {@link #begin} records nothing,
 * a second {@link #complete} changes nothing and commits no event (the statements of
 * {@link PaymentRepository} keep both in the database). Both are asynchronous, committed by
 * {@link PaymentWrites} in batches with other orders'. The counter
 * {@code agentdojo.payments{outcome}} counts the outcomes this process recorded.
 */
@ApplicationScoped
public class Payments {

    private final PaymentWrites writes;
    private final PaymentRepository payments;
    private final MeterRegistry registry;

    Payments(PaymentWrites writes, PaymentRepository payments, MeterRegistry registry) {
        this.writes = writes;
        this.payments = payments;
        this.registry = registry;
    }

    /**
     * Records the order's payment as {@code CHARGING} before its charge, unless it has one;
     * answers the order's payment: still {@code CHARGING} (new, or left so by a crash) when the
     * gateway must be called, final when the order was charged before.
     */
    public Uni<Payment> begin(Event requested, PaymentRequested request) {
        return Uni.createFrom().completionStage(() -> writes.begin(new PaymentWrites.Charge(request.orderId(), request.amount(),
                request.currency(), Instant.now(), requested.id(), requested.correlationId())));
    }

    /**
     * At most {@code max} payments left {@code CHARGING} for longer than {@code age}, oldest first,
     * those after {@code after} only (null: from the oldest). Blocking.
     */
    public List<StalledPayment> stalled(Duration age, StalledPayment.Position after, int max) {
        return payments.stalled(Instant.now().minus(age), after, max);
    }

    /** Whether the order's payment is final and was announced to no one (it was finished without its request). */
    public Uni<Boolean> unanswered(String orderId) {
        return Uni.createFrom().item(() -> payments.unanswered(orderId)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /**
     * Records {@code requested} as the request of the order's payment, final and announced to no one,
     * with the events that answer it, in one transaction; answers false (and commits nothing) when
     * it was answered before.
     */
    public Uni<Boolean> answer(String orderId, Event requested, List<TransactionalOutbox.Outgoing> events) {
        return Uni.createFrom().completionStage(() -> writes.answer(new PaymentWrites.Answer(orderId, requested.id(),
                requested.correlationId(), events)));
    }

    /**
     * Records the gateway's answer for a {@code CHARGING} payment, with the events that announce
     * it, in one transaction; answers false (and commits nothing) when it was completed before.
     */
    public Uni<Boolean> complete(String orderId, GatewayResult result, List<TransactionalOutbox.Outgoing> events) {
        return Uni.createFrom().completionStage(() -> writes.complete(new PaymentWrites.Outcome(orderId, result, events)))
                .invoke(completed -> {
                    if (completed) {
                        registry.counter("agentdojo.payments", "outcome", result.status().name()).increment();
                    }
                });
    }
}
