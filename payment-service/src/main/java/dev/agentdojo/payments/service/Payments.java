package dev.agentdojo.payments.service;

import dev.agentdojo.payments.config.PaymentConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The payments made, one per order at most, in payment-service's database (table {@code payments}),
 * shared by every instance of the service: however often and wherever {@code payment:process}
 * arrives for an order (a redelivery, a retry, another instance after a crash), the order is
 * charged once. The database enforces it: the order id is the table's key, and the insert of a
 * second charge inserts nothing.
 *
 * <p>{@link #charge} is asynchronous, and batched with other orders' charges ({@link PaymentWrites});
 * everything else is blocking (JDBC): call it on worker threads. The
 * counter {@code agentdojo.payments{outcome}} counts the charges this process made, by outcome.
 */
@ApplicationScoped
public class Payments {

    private final PaymentWrites writes;
    private final MeterRegistry registry;
    private final Duration reannounceAfter;
    private final Duration reannounceLoggedAfter;

    Payments(PaymentWrites writes, MeterRegistry registry, PaymentConfig config) {
        this.writes = writes;
        this.registry = registry;
        this.reannounceAfter = config.reannounceAfter();
        this.reannounceLoggedAfter = config.reannounceLoggedAfter();
    }

    /**
     * Charges the order unless it was charged before, and decides whether the caller announces
     * the outcome: yes for the first charge; for an earlier one, yes when nobody announced it yet
     * (or the last announcement failed), or when {@code again} (order-service asks again: no outcome
     * reached it), the last announcement is older than {@code payment.reannounce-after} (so it cannot
     * be on its way any more) and the outcome was never read back from the event log ({@link #logged}:
     * the instance that announced it crashed before it reached the log) or was read back longer than
     * {@code payment.reannounce-logged-after} ago (order-service did not apply it). The decision is
     * recorded ({@code announced_at}) before the caller emits, so a redelivered request never
     * announces twice; the caller reports a failed emit with {@link #notAnnounced}.
     */
    public Uni<Decision> charge(String orderId, BigDecimal amount, String currency, boolean again) {
        Instant now = Instant.now();
        Instant staleBefore = again ? now.minus(reannounceAfter) : Instant.EPOCH; // nothing is older than the epoch
        Instant loggedBefore = again ? now.minus(reannounceLoggedAfter) : Instant.EPOCH;
        // batched with other orders' charges: one transaction for many under load
        return Uni.createFrom().completionStage(() -> writes.charge(new PaymentWrites.Charge(orderId, amount, currency, staleBefore, loggedBefore)))
                .invoke(decision -> {
                    if (decision.isNew()) {
                        registry.counter("agentdojo.payments", "outcome", decision.payment().status().name()).increment();
                    }
                });
    }

    /**
     * What {@link #charge} decided.
     *
     * @param isNew    false when the order had been charged before
     * @param announce true when the caller must announce the outcome
     */
    public record Decision(Payment payment, boolean isNew, boolean announce) {
    }

    /** The order's outcome was read back from the event log: it is there, and is never announced again. */
    public void logged(String orderId) {
        writes.logged(orderId); // batched with other outcomes read back meanwhile
    }

    /** The outcome could not be announced: the next request for this order announces it. */
    @Transactional
    public void notAnnounced(String orderId) {
        StoredPayment.update("announcedAt = null where orderId = ?1", orderId);
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
