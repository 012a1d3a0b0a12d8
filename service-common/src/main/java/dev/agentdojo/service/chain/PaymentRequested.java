package dev.agentdojo.service.chain;

import dev.agentdojo.bus.EventName;

import java.math.BigDecimal;

/**
 * The order's payment is asked for (order-service, once per order, committed with the order;
 * payment-service charges it). Args: {@code (orderId, amount, currency)}.
 */
@EventName(PaymentRequested.NAME)
public record PaymentRequested(String orderId, BigDecimal amount, String currency) implements OrderEvent {

    public static final String NAME = "payment:process";
}
