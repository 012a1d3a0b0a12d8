package dev.agentdojo.orders.model;

/** Where an order stands: {@code PENDING} until its payment's outcome arrives, then final. */
public enum OrderStatus {
    PENDING, CONFIRMED, PAYMENT_FAILED;

    public boolean isFinal() {
        return this != PENDING;
    }
}
