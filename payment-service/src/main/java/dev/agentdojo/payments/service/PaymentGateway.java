package dev.agentdojo.payments.service;

import dev.agentdojo.payments.config.PaymentConfig;
import dev.agentdojo.payments.model.GatewayResult;
import dev.agentdojo.payments.model.PaymentStatus;
import dev.agentdojo.payments.repository.GatewayChargeRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * Where money would move: the stand-in for a real payment provider, with a provider's idempotency
 * keys (Stripe's rule: a call with a key used before is not charged again, and answers the first
 * call's result). Approves every amount up to {@code payment.limit} and declines the rest with a
 * reason (or, with {@code payment.gateway-fails}, fails every charge). Its records stand for the
 * provider's own ({@link GatewayChargeRepository}), written in
 * transactions of their own, never in the caller's. Counts every call in
 * {@code agentdojo_gateway_calls_total{result="charged"|"declined"|"replayed"}}, so a test can see that an order
 * was charged once however often its payment was retried.
 */
@ApplicationScoped
public class PaymentGateway {

    private final BigDecimal limit;
    private final MeterRegistry registry;
    private final GatewayChargeRepository charges;
    private final boolean fails;

    PaymentGateway(PaymentConfig config, GatewayChargeRepository charges, MeterRegistry registry) {
        this.limit = config.limit();
        this.fails = config.gatewayFails();
        this.registry = registry;
        this.charges = charges;
    }

    /** Charges {@code amount} under {@code idempotencyKey}, or answers the first charge made under it. */
    public Uni<GatewayResult> charge(String idempotencyKey, BigDecimal amount, String currency) {
        if (fails) {
            return Uni.createFrom().failure(() -> new IllegalStateException(
                    "the payment gateway refuses every charge (payment.gateway-fails=true)"));
        }
        return Uni.createFrom().completionStage(() -> charges.charge(
                        new GatewayChargeRepository.Call(idempotencyKey, amount, currency, decide(amount, currency))))
                .invoke(result -> registry.counter("agentdojo.gateway.calls", "result",
                        result.replayed() ? "replayed" : result.status() == PaymentStatus.APPROVED ? "charged" : "declined").increment());
    }

    private GatewayResult decide(BigDecimal amount, String currency) {
        Instant now = Instant.now();
        String id = UUID.randomUUID().toString();
        if (amount.compareTo(limit) > 0) {
            return new GatewayResult(id, PaymentStatus.DECLINED, "amount " + amount.toPlainString() + " " + currency
                    + " exceeds the limit of " + limit.toPlainString(), now, false);
        }
        return new GatewayResult(id, PaymentStatus.APPROVED, null, now, false);
    }
}
