package dev.agentdojo.payments.repository;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A payment recorded {@code CHARGING} whose outcome is not recorded yet, with the request that asked
 * for it: its event id and chain, both null for a payment recorded before payments kept their request.
 */
public record StalledPayment(String orderId, BigDecimal amount, String currency, Instant since, String requestId,
                             String correlationId) {

    /** Where it stands among the stalled payments: the next look can start after it. */
    public Position position() {
        return new Position(since, orderId);
    }

    /** A place in the order the stalled payments are read in: by the time they were recorded, then by order id. */
    public record Position(Instant since, String orderId) {
    }
}
