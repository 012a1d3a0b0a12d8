package dev.agentdojo.service.chain;

import dev.agentdojo.bus.EventName;

import java.math.BigDecimal;

/**
 * The order's payment is asked for (order-service; payment-service charges it). Asked again, in the
 * same chain, while the order stays pending. Args: {@code (orderId, amount, currency, again)}.
 *
 * @param again true when order-service asks again because no outcome arrived: the outcome is then
 *              announced again even if it was announced before (it may never have reached the log)
 */
@EventName(PaymentRequested.NAME)
public record PaymentRequested(String orderId, BigDecimal amount, String currency, boolean again) implements OrderEvent {

    public static final String NAME = "payment:process";
}
