package dev.agentdojo.orders.service;

/**
 * The events of an order's chain and their args. Every one has the order id first, so that each
 * service can tell which order an event is about.
 */
public final class OrderEvents {

    /** {@code (orderId, customer, amount, currency)}: emitted here when an order is placed. */
    public static final String CREATED = "order:created";
    /** {@code (orderId, amount, currency)}: emitted here for each created order; payment-service charges. */
    public static final String PAYMENT_PROCESS = "payment:process";
    /** {@code (orderId, paymentId)}: from payment-service when the charge went through. */
    public static final String CONFIRMED = "order:confirmed";
    /** {@code (orderId, reason)}: from payment-service when the charge was declined. */
    public static final String PAYMENT_FAILED = "payment:failed";

    private OrderEvents() {
    }
}
