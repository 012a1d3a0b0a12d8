package dev.agentdojo.orders.repository;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Every statement on table {@code idempotency_keys}: which order each {@code Idempotency-Key} was
 * first used for, and with which request (its fingerprint).
 */
@ApplicationScoped
public class IdempotencyKeyRepository {

    private static final String INSERT = """
            insert into idempotency_keys (key, fingerprint, order_id, created_at) values (?, ?, ?, ?)
            on conflict (key) do nothing""";
    private static final String FIND = "select order_id, fingerprint from idempotency_keys where key = ?";
    private static final String FORGET = "delete from idempotency_keys where created_at < ?";

    /** A key's first use: the order it placed and the fingerprint of that request. */
    public record FirstUse(String orderId, String fingerprint) {
    }

    /** A key to claim for an order. */
    record Claim(String key, String fingerprint, String orderId, Instant at) {
    }

    private final AgroalDataSource dataSource;

    IdempotencyKeyRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The first use of {@code key}, if it was used (blocking: call it on a worker). */
    public Optional<FirstUse> find(String key) {
        try (Connection connection = dataSource.getConnection()) {
            return Optional.ofNullable(find(connection, key));
        } catch (SQLException e) {
            throw new IllegalStateException("could not look up idempotency key: " + e.getMessage(), e);
        }
    }

    /** Forgets the keys used before {@code before}, in one statement of its own (auto-commit). Blocking. */
    public void forgetOlderThan(Instant before) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(FORGET)) {
            delete.setObject(1, OrderRepository.utc(before));
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not forget old idempotency keys: " + e.getMessage(), e);
        }
    }

    /** Claims the keys in one batch on {@code connection}; for each, its first use when it was claimed before, else null. */
    FirstUse[] claim(Connection connection, List<Claim> claims) throws SQLException {
        int[] claimed;
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (Claim claim : claims) {
                insert.setString(1, claim.key());
                insert.setString(2, claim.fingerprint());
                insert.setString(3, claim.orderId());
                insert.setObject(4, OrderRepository.utc(claim.at()));
                insert.addBatch();
            }
            claimed = insert.executeBatch();
        }
        FirstUse[] earlier = new FirstUse[claims.size()];
        for (int i = 0; i < claims.size(); i++) {
            if (claimed[i] != 1) {
                earlier[i] = find(connection, claims.get(i).key());
                if (earlier[i] == null) {
                    throw new IllegalStateException("idempotency key " + claims.get(i).key() + " is neither new nor stored");
                }
            }
        }
        return earlier;
    }

    private static FirstUse find(Connection connection, String key) throws SQLException {
        try (PreparedStatement find = connection.prepareStatement(FIND)) {
            find.setString(1, key);
            try (ResultSet row = find.executeQuery()) {
                return row.next() ? new FirstUse(row.getString(1), row.getString(2)) : null;
            }
        }
    }
}
