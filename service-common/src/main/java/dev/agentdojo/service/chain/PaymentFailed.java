package dev.agentdojo.service.chain;

import dev.agentdojo.bus.EventName;

import java.math.BigDecimal;

/** The charge was declined (payment-service). Args: {@code (orderId, reason, amount, currency)}. */
@EventName(PaymentFailed.NAME)
public record PaymentFailed(String orderId, String reason, BigDecimal amount, String currency) implements OrderEvent {

    public static final String NAME = "payment:failed";
}
