package dev.agentdojo.service.chain;

/**
 * An event of an order's chain, {@code order:created → payment:process → order:confirmed} (or
 * {@code payment:failed}). Each is a typed event: a record whose components are its args, the
 * order id first, so that any service — or any JSON client reading the topic — can tell which order
 * an event is about. Both services use these records, and only these, to emit and read the chain;
 * {@link EventDeadLettered} tells that one of them was set aside.
 */
public sealed interface OrderEvent permits OrderCreated, PaymentRequested, OrderConfirmed, PaymentFailed, EventDeadLettered {

    /** The order the event is about: always the first arg. */
    String orderId();
}
