package dev.agentdojo.payments.service;

import dev.agentdojo.payments.config.PaymentConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
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
 * <p>Blocking (JDBC): call it on worker threads. The counter {@code agentdojo.payments{outcome}}
 * counts the charges this process made, by outcome.
 */
@ApplicationScoped
public class Payments {

    private final PaymentGateway gateway;
    private final MeterRegistry registry;
    private final Duration reannounceAfter;
    private final Duration reannounceLoggedAfter;

    Payments(PaymentGateway gateway, MeterRegistry registry, PaymentConfig config) {
        this.gateway = gateway;
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
    public Decision charge(String orderId, BigDecimal amount, String currency, boolean again) {
        // one transaction for the usual case: not charged yet, so charge (the gateway is called only then) and insert
        Payment fresh = QuarkusTransaction.requiringNew().call(() -> {
            if (StoredPayment.findById(orderId) != null) {
                return null;
            }
            Payment payment = gateway.charge(orderId, amount, currency);
            return insert(payment) ? payment : null; // nothing inserted: another instance charged it meanwhile
        });
        if (fresh != null) {
            registry.counter("agentdojo.payments", "outcome", fresh.status().name()).increment();
            return new Decision(fresh, true, true);
        }
        Payment charged = QuarkusTransaction.requiringNew().call(() -> StoredPayment.<StoredPayment>findById(orderId)).toPayment();
        Instant now = Instant.now();
        Instant staleBefore = again ? now.minus(reannounceAfter) : Instant.EPOCH; // nothing is older than the epoch
        Instant loggedBefore = again ? now.minus(reannounceLoggedAfter) : Instant.EPOCH;
        boolean announce = QuarkusTransaction.requiringNew().call(() -> StoredPayment.update(
                "announcedAt = ?1 where orderId = ?2 and (announcedAt is null"
                        + " or (announcedAt < ?3 and (loggedAt is null or loggedAt < ?4)))",
                now, orderId, staleBefore, loggedBefore) == 1);
        return new Decision(charged, false, announce);
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
    @Transactional
    public void logged(String orderId) {
        StoredPayment.update("loggedAt = ?1 where orderId = ?2 and loggedAt is null", Instant.now(), orderId);
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

    /** Inserts the payment, to be announced now, unless the order has one already; true when it was inserted. */
    private static boolean insert(Payment p) {
        return StoredPayment.getEntityManager().createNativeQuery("""
                        insert into payments (order_id, id, amount, currency, status, reason, charged_at, announced_at)
                        values (?1, ?2, ?3, ?4, ?5, nullif(?6, ''), ?7, ?7)
                        on conflict (order_id) do nothing""")
                .setParameter(1, p.orderId())
                .setParameter(2, p.id())
                .setParameter(3, p.amount())
                .setParameter(4, p.currency())
                .setParameter(5, p.status().name())
                .setParameter(6, p.reason() == null ? "" : p.reason())
                .setParameter(7, p.chargedAt())
                .executeUpdate() == 1;
    }
}
