package dev.agentdojo.payments.model;

import java.time.Instant;

/**
 * The payment provider's answer to a charge.
 *
 * @param paymentId the provider's id of the charge
 * @param reason    why it was declined; null when approved
 * @param replayed  true when the charge's idempotency key was used before, and this is that call's result
 */
public record GatewayResult(String paymentId, PaymentStatus status, String reason, Instant chargedAt, boolean replayed) {
}
