package dev.agentdojo.orders.model;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * An order, immutable: a change of status is a new {@code Order}.
 *
 * @param paymentId the payment that confirmed it, once {@code CONFIRMED}
 * @param reason    why the payment failed, once {@code PAYMENT_FAILED}
 */
public record Order(String id, String customer, BigDecimal amount, String currency, OrderStatus status,
                    String paymentId, String reason, Instant createdAt, Instant updatedAt) {

    public static Order pending(String id, String customer, BigDecimal amount, String currency, Instant at) {
        return new Order(id, customer, amount, currency, OrderStatus.PENDING, null, null, at, at);
    }
}
