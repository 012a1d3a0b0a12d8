package dev.agentdojo.payments.service;

/** The outcome of a charge. */
public enum PaymentStatus {
    APPROVED, DECLINED
}
