package dev.agentdojo.payments.service;

import dev.agentdojo.payments.config.PaymentConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The payments made, one per order at most: however often {@code payment:process} arrives for an
 * order (a redelivery, a replay, a retry), the gateway is called for it once.
 *
 * <p>Thread-safe: {@link ConcurrentHashMap#computeIfAbsent} makes "look up, else charge" atomic
 * per order. Memory is bounded by {@code payment.max-kept}. The counter
 * {@code agentdojo.payments{outcome}} counts the charges this process made, by outcome.
 */
@ApplicationScoped
public class Payments {

    private final PaymentGateway gateway;
    private final int maxKept;
    private final Map<String, Payment> byOrder = new ConcurrentHashMap<>();
    private final Queue<String> oldestFirst = new ConcurrentLinkedQueue<>();
    /** Per order: false while its outcome is being announced, true once it is on the log. */
    private final Map<String, Boolean> announced = new ConcurrentHashMap<>();

    private final MeterRegistry registry;

    Payments(PaymentGateway gateway, PaymentConfig config, MeterRegistry registry) {
        this.gateway = gateway;
        this.maxKept = config.maxKept();
        this.registry = registry;
    }

    /** The outcome of charging the order: a new charge the first time, the earlier one after. */
    public Charge charge(String orderId, BigDecimal amount, String currency) {
        boolean[] isNew = {false};
        Payment payment = byOrder.computeIfAbsent(orderId, id -> {
            isNew[0] = true;
            return gateway.charge(id, amount, currency);
        });
        if (isNew[0]) {
            registry.counter("agentdojo.payments", "outcome", payment.status().name()).increment();
            oldestFirst.add(orderId);
            forgetOldest();
        }
        return new Charge(payment, isNew[0]);
    }

    /** A charge's result; {@code isNew} is false when the order had been charged before. */
    public record Charge(Payment payment, boolean isNew) {
    }

    /**
     * Claims the announcement of the order's outcome: true for exactly one caller while it is
     * neither announced nor being announced. Pair with {@link #announced} or {@link #notAnnounced}.
     */
    public boolean claimAnnouncement(String orderId) {
        return announced.putIfAbsent(orderId, Boolean.FALSE) == null;
    }

    /** The outcome is on the event log: never announce it again. */
    public void announced(String orderId) {
        announced.put(orderId, Boolean.TRUE);
    }

    /** The announcement failed: the next request for this order announces it again. */
    public void notAnnounced(String orderId) {
        announced.remove(orderId, Boolean.FALSE);
    }

    /** Records a payment known from the event log (so already announced), without charging anything. */
    public void rebuild(Payment payment) {
        announced.put(payment.orderId(), Boolean.TRUE);
        if (byOrder.putIfAbsent(payment.orderId(), payment) == null) {
            oldestFirst.add(payment.orderId());
            forgetOldest();
        }
    }

    public Optional<Payment> forOrder(String orderId) {
        return Optional.ofNullable(byOrder.get(orderId));
    }

    public List<Payment> newest(int limit) {
        return byOrder.values().stream().sorted(Comparator.comparing(Payment::chargedAt).reversed()).limit(limit).toList();
    }

    private void forgetOldest() {
        while (byOrder.size() > maxKept) {
            String oldest = oldestFirst.poll();
            if (oldest == null) {
                return;
            }
            byOrder.remove(oldest);
            announced.remove(oldest);
        }
    }
}
