package dev.agentdojo.service.chain;

import dev.agentdojo.bus.EventName;

import java.math.BigDecimal;

/** The charge went through (payment-service). Args: {@code (orderId, paymentId, amount, currency)}. */
@EventName(OrderConfirmed.NAME)
public record OrderConfirmed(String orderId, String paymentId, BigDecimal amount, String currency) implements OrderEvent {

    public static final String NAME = "order:confirmed";
}
