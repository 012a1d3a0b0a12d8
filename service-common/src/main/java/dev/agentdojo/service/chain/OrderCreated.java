package dev.agentdojo.service.chain;

import dev.agentdojo.bus.EventName;

import java.math.BigDecimal;

/** An order was placed (order-service). Args: {@code (orderId, customer, amount, currency)}. */
@EventName(OrderCreated.NAME)
public record OrderCreated(String orderId, String customer, BigDecimal amount, String currency) implements OrderEvent {

    public static final String NAME = "order:created";
}
