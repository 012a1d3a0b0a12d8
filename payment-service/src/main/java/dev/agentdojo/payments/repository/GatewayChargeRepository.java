package dev.agentdojo.payments.repository;

import dev.agentdojo.payments.model.GatewayResult;
import dev.agentdojo.payments.model.PaymentStatus;
import dev.agentdojo.outbox.commit.GroupCommit;
import dev.agentdojo.outbox.commit.GroupCommitConfig;
import io.agroal.api.AgroalDataSource;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Every statement on table {@code gateway_charges}, the stand-in provider's own records: one charge
 * per idempotency key, whose result answers every later call with that key. Written through a
 * {@link GroupCommit}, in transactions of their own, never in a caller's (a real provider is called
 * over the network, outside any of the caller's transactions).
 */
@ApplicationScoped
public class GatewayChargeRepository {

    /** A charge under an idempotency key, and the result the provider decided for it. */
    public record Call(String idempotencyKey, BigDecimal amount, String currency, GatewayResult decided) {
    }

    private static final String CHARGE = """
            insert into gateway_charges (idempotency_key, payment_id, amount, currency, status, reason, charged_at)
            values (?, ?, ?, ?, ?, ?, ?)
            on conflict (idempotency_key) do nothing""";
    private static final String FIRST = """
            select payment_id, status, reason, charged_at from gateway_charges where idempotency_key = ?""";

    private final GroupCommit<Call, GatewayResult> calls;

    GatewayChargeRepository(AgroalDataSource dataSource, GroupCommitConfig batching) {
        this.calls = new GroupCommit<>("gateway calls", dataSource, Infrastructure.getDefaultWorkerPool(),
                batching, GatewayChargeRepository::charge);
    }

    /**
     * Records the call's decided result under its key, unless the key was used before; completes with
     * the result the key stands for: the one decided now, or the first call's ({@code replayed}).
     */
    public CompletionStage<GatewayResult> charge(Call call) {
        return calls.submit(call);
    }

    private static List<GatewayResult> charge(Connection connection, List<Call> batch) throws SQLException {
        int[] inserted;
        try (PreparedStatement insert = connection.prepareStatement(CHARGE)) {
            for (Call call : batch) {
                GatewayResult result = call.decided();
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
            results.add(inserted[i] == 1 ? batch.get(i).decided() : first(connection, batch.get(i).idempotencyKey()));
        }
        return results;
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
