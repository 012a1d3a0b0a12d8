package dev.agentdojo.payments.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
    /** Orders whose outcome this process is announcing right now; bounded by the events in flight. */
    private final Set<String> announcing = ConcurrentHashMap.newKeySet();

    Payments(PaymentGateway gateway, MeterRegistry registry) {
        this.gateway = gateway;
        this.registry = registry;
    }

    /** The outcome of charging the order: a new charge the first time, the stored one after. */
    public Charge charge(String orderId, BigDecimal amount, String currency) {
        Optional<StoredPayment> earlier = QuarkusTransaction.requiringNew().call(() -> StoredPayment.<StoredPayment>findByIdOptional(orderId));
        if (earlier.isPresent()) {
            return new Charge(earlier.get().toPayment(), false);
        }
        Payment payment = gateway.charge(orderId, amount, currency);
        boolean inserted = QuarkusTransaction.requiringNew().call(() -> insert(payment));
        if (!inserted) { // another thread or instance charged it between the look-up and the insert
            StoredPayment winner = QuarkusTransaction.requiringNew().call(() -> StoredPayment.<StoredPayment>findById(orderId));
            return new Charge(winner.toPayment(), false);
        }
        registry.counter("agentdojo.payments", "outcome", payment.status().name()).increment();
        return new Charge(payment, true);
    }

    /** A charge's result; {@code isNew} is false when the order had been charged before. */
    public record Charge(Payment payment, boolean isNew) {
    }

    /**
     * Claims the announcement of the order's outcome in this process: true for one caller at a
     * time, who then asks {@link #isAnnounced}, announces if not, and {@link #release}s the claim.
     * (Across instances, one order's requests reach one instance at a time: they share a partition.)
     */
    public boolean claimAnnouncement(String orderId) {
        return announcing.add(orderId);
    }

    /** Whether the order's outcome is on the event log already. */
    @Transactional
    public boolean isAnnounced(String orderId) {
        return StoredPayment.count("orderId = ?1 and announcedAt is not null", orderId) > 0;
    }

    /** The outcome is on the event log: never announce it again, from any instance. */
    @Transactional
    public void announced(String orderId) {
        StoredPayment.update("announcedAt = ?1 where orderId = ?2 and announcedAt is null", Instant.now(), orderId);
    }

    /** Ends a claim, once what it decided is committed (or failed). */
    public void release(String orderId) {
        announcing.remove(orderId);
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

    /** Inserts the payment unless the order has one already; true when it was inserted. */
    private static boolean insert(Payment p) {
        return StoredPayment.getEntityManager().createNativeQuery("""
                        insert into payments (order_id, id, amount, currency, status, reason, charged_at)
                        values (?1, ?2, ?3, ?4, ?5, nullif(?6, ''), ?7)
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
