package dev.agentdojo.payments.model;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The one charge of one order.
 *
 * @param id     the payment's id (named in {@code order:confirmed})
 * @param reason why it was declined; null when approved
 */
public record Payment(String id, String orderId, BigDecimal amount, String currency, PaymentStatus status,
                      String reason, Instant chargedAt) {

    public boolean approved() {
        return status == PaymentStatus.APPROVED;
    }
}
