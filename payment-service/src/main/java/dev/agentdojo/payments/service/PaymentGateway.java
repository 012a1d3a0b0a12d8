package dev.agentdojo.payments.service;

import dev.agentdojo.payments.config.PaymentConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * Where money would move: the stand-in for a real payment provider. Approves every amount up to
 * {@code payment.limit} and declines the rest with a reason. Stateless; idempotency is
 * {@link Payments}'s job.
 */
@ApplicationScoped
public class PaymentGateway {

    private final BigDecimal limit;

    PaymentGateway(PaymentConfig config) {
        this.limit = config.limit();
    }

    Payment charge(String orderId, BigDecimal amount, String currency) {
        Instant now = Instant.now();
        String id = UUID.randomUUID().toString();
        if (amount.compareTo(limit) > 0) {
            return new Payment(id, orderId, amount, currency, PaymentStatus.DECLINED,
                    "amount " + amount.toPlainString() + " " + currency + " exceeds the limit of " + limit.toPlainString(), now);
        }
        return new Payment(id, orderId, amount, currency, PaymentStatus.APPROVED, null, now);
    }
}
