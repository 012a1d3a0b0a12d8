package dev.agentdojo.payments.service;

import dev.agentdojo.payments.config.PaymentConfig;
import dev.agentdojo.payments.model.GatewayResult;
import dev.agentdojo.payments.model.PaymentStatus;
import dev.agentdojo.outbox.commit.GroupCommit;
import dev.agentdojo.outbox.commit.GroupCommitConfig;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Where money would move: the stand-in for a real payment provider, with a provider's idempotency
 * keys (Stripe's rule: a call with a key used before is not charged again, and answers the first
 * call's result). Approves every amount up to {@code payment.limit} and declines the rest with a
 * reason. Its records stand for the provider's own: the table {@code gateway_charges}, written in
 * transactions of their own, never in the caller's (a real provider is called over the network,
 * outside any of the caller's transactions). Counts every call in
 * {@code agentdojo_gateway_calls_total{result="charged"|"declined"|"replayed"}}, so a test can see that an order
 * was charged once however often its payment was retried.
 */
@ApplicationScoped
public class PaymentGateway {

    /** A charge to make under an idempotency key. */
    record Call(String idempotencyKey, BigDecimal amount, String currency) {
    }

    private static final String CHARGE = """
            insert into gateway_charges (idempotency_key, payment_id, amount, currency, status, reason, charged_at)
            values (?, ?, ?, ?, ?, ?, ?)
            on conflict (idempotency_key) do nothing""";
    private static final String FIRST = """
            select payment_id, status, reason, charged_at from gateway_charges where idempotency_key = ?""";

    private final BigDecimal limit;
    private final MeterRegistry registry;
    private final GroupCommit<Call, GatewayResult> calls;

    PaymentGateway(PaymentConfig config, AgroalDataSource dataSource, GroupCommitConfig batching, MeterRegistry registry) {
        this.limit = config.limit();
        this.registry = registry;
        this.calls = new GroupCommit<>("gateway calls", dataSource, Infrastructure.getDefaultWorkerPool(),
                batching, this::charge);
    }

    /** Charges {@code amount} under {@code idempotencyKey}, or answers the first charge made under it. */
    public Uni<GatewayResult> charge(String idempotencyKey, BigDecimal amount, String currency) {
        return Uni.createFrom().completionStage(() -> calls.submit(new Call(idempotencyKey, amount, currency)))
                .invoke(result -> registry.counter("agentdojo.gateway.calls", "result",
                        result.replayed() ? "replayed" : result.status() == PaymentStatus.APPROVED ? "charged" : "declined").increment());
    }

    private List<GatewayResult> charge(Connection connection, List<Call> batch) throws SQLException {
        List<GatewayResult> decided = new ArrayList<>(batch.size());
        int[] inserted;
        try (PreparedStatement insert = connection.prepareStatement(CHARGE)) {
            for (Call call : batch) {
                GatewayResult result = decide(call);
                decided.add(result);
                insert.setString(1, call.idempotencyKey());
                insert.setString(2, result.paymentId());
                insert.setBigDecimal(3, call.amount());
                insert.setString(4, call.currency());
                insert.setString(5, result.status().name());
                if (result.reason() == null) {
                    insert.setNull(6, Types.VARCHAR);
                } else {
                    insert.setString(6, result.reason());
                }
                insert.setObject(7, result.chargedAt().atOffset(ZoneOffset.UTC));
                insert.addBatch();
            }
            inserted = insert.executeBatch();
        }
        List<GatewayResult> results = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            results.add(inserted[i] == 1 ? decided.get(i) : first(connection, batch.get(i).idempotencyKey()));
        }
        return results;
    }

    private GatewayResult decide(Call call) {
        Instant now = Instant.now();
        String id = UUID.randomUUID().toString();
        if (call.amount().compareTo(limit) > 0) {
            return new GatewayResult(id, PaymentStatus.DECLINED, "amount " + call.amount().toPlainString() + " " + call.currency()
                    + " exceeds the limit of " + limit.toPlainString(), now, false);
        }
        return new GatewayResult(id, PaymentStatus.APPROVED, null, now, false);
    }

    private static GatewayResult first(Connection connection, String key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(FIRST)) {
            select.setString(1, key);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("idempotency key " + key + " was used, but its charge is not recorded");
                }
                return new GatewayResult(row.getString(1), PaymentStatus.valueOf(row.getString(2)), row.getString(3),
                        row.getObject(4, OffsetDateTime.class).toInstant(), true);
            }
        }
    }
}
