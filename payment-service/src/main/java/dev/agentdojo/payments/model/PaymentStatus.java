package dev.agentdojo.payments.model;

/** Where a payment stands: {@code CHARGING} from when it is recorded until the gateway answered, then its outcome. */
public enum PaymentStatus {
    CHARGING, APPROVED, DECLINED
}
