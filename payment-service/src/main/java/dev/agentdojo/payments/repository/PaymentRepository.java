package dev.agentdojo.payments.repository;

import dev.agentdojo.payments.model.GatewayResult;
import dev.agentdojo.payments.model.Payment;
import dev.agentdojo.payments.model.PaymentStatus;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

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
import java.util.Optional;

/**
 * Every statement on table {@code payments} (its shape: {@code db/migration}), in plain JDBC on the
 * service's pool: the reads each on a connection of its own, in auto-commit (blocking: call them on
 * worker threads), the batched writes on the connection {@link PaymentWrites} commits. The database
 * keeps an order to one payment (the order id is the key), and a payment to one outcome (it moves
 * out of {@code CHARGING} once), whatever the batches hold.
 */
@ApplicationScoped
public class PaymentRepository {

    private static final String BEGIN = """
            insert into payments (order_id, amount, currency, status, charged_at, request_id, correlation_id)
            values (?, ?, ?, 'CHARGING', ?, ?, ?)
            on conflict (order_id) do nothing""";
    private static final String STALLED = """
            select order_id, amount, currency, charged_at, request_id, correlation_id from payments
            where status = 'CHARGING' and charged_at < ?
            order by charged_at, order_id limit ?""";
    private static final String STALLED_AFTER = """
            select order_id, amount, currency, charged_at, request_id, correlation_id from payments
            where status = 'CHARGING' and charged_at < ? and (charged_at, order_id) > (?, ?)
            order by charged_at, order_id limit ?""";
    private static final String UNANSWERED = """
            select 1 from payments where order_id = ? and status <> 'CHARGING' and request_id is null""";
    private static final String ANSWER = """
            update payments set request_id = ?, correlation_id = ?
            where order_id = ? and status <> 'CHARGING' and request_id is null""";
    private static final String FIND = """
            select id, order_id, amount, currency, status, reason, charged_at from payments where order_id = ?""";
    private static final String NEWEST = """
            select id, order_id, amount, currency, status, reason, charged_at from payments
            order by charged_at desc limit ?""";
    private static final String COMPLETE = """
            update payments set id = ?, status = ?, reason = ?, charged_at = ?
            where order_id = ? and status = 'CHARGING'""";

    private final AgroalDataSource dataSource;

    PaymentRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Whether the order's payment is final and has no request recorded: its outcome was announced to no one. Blocking. */
    public boolean unanswered(String orderId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(UNANSWERED)) {
            select.setString(1, orderId);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the payment of order " + orderId + ": " + e.getMessage(), e);
        }
    }

    /** The order's payment, if it has one. Blocking. */
    public Optional<Payment> forOrder(String orderId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement find = connection.prepareStatement(FIND)) {
            return Optional.ofNullable(find(find, orderId));
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the payment of order " + orderId + ": " + e.getMessage(), e);
        }
    }

    /**
     * At most {@code max} payments still {@code CHARGING} that were recorded before {@code before},
     * oldest first (then by order id), those after {@code after} only (null: from the oldest).
     */
    public List<StalledPayment> stalled(Instant before, StalledPayment.Position after, int max) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(after == null ? STALLED : STALLED_AFTER)) {
            int i = 1;
            select.setObject(i++, utc(before));
            if (after != null) {
                select.setObject(i++, utc(after.since()));
                select.setString(i++, after.orderId());
            }
            select.setInt(i, max);
            List<StalledPayment> stalled = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    stalled.add(new StalledPayment(row.getString(1), row.getBigDecimal(2), row.getString(3),
                            row.getObject(4, OffsetDateTime.class).toInstant(), row.getString(5), row.getString(6)));
                }
            }
            return stalled;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the payments left CHARGING: " + e.getMessage(), e);
        }
    }

    /** The newest payments first, at most {@code limit}. Blocking. */
    public List<Payment> newest(int limit) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(NEWEST)) {
            select.setInt(1, limit);
            List<Payment> newest = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    newest.add(payment(row));
                }
            }
            return newest;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the newest payments: " + e.getMessage(), e);
        }
    }

    /**
     * Records each charge's payment as {@code CHARGING} unless its order has one, in one batch on
     * {@code connection}; for each, the order's payment as it now stands.
     */
    List<Payment> begin(Connection connection, List<PaymentWrites.Charge> batch) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(BEGIN)) {
            for (PaymentWrites.Charge charge : batch) {
                insert.setString(1, charge.orderId());
                insert.setBigDecimal(2, charge.amount());
                insert.setString(3, charge.currency());
                insert.setObject(4, utc(charge.at()));
                insert.setString(5, charge.requestId());
                insert.setString(6, charge.correlationId());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        List<Payment> payments = new ArrayList<>(batch.size());
        try (PreparedStatement find = connection.prepareStatement(FIND)) {
            for (PaymentWrites.Charge charge : batch) {
                Payment payment = find(find, charge.orderId());
                if (payment == null) {
                    throw new IllegalStateException("order " + charge.orderId() + " has no payment, although one was just recorded");
                }
                payments.add(payment);
            }
        }
        return payments;
    }

    /** The order's payment, or null when it has none: {@code find} is a prepared {@link #FIND}. */
    private static Payment find(PreparedStatement find, String orderId) throws SQLException {
        find.setString(1, orderId);
        try (ResultSet row = find.executeQuery()) {
            return row.next() ? payment(row) : null;
        }
    }

    /** The payment in the current row of a {@link #FIND} or {@link #NEWEST}. */
    private static Payment payment(ResultSet row) throws SQLException {
        return new Payment(row.getString(1), row.getString(2), row.getBigDecimal(3), row.getString(4),
                PaymentStatus.valueOf(row.getString(5)), row.getString(6), row.getObject(7, OffsetDateTime.class).toInstant());
    }

    /**
     * Completes the {@code CHARGING} payments with their outcomes, in one batch; for each, whether it
     * moved the payment (false: it was not charging any more).
     */
    boolean[] complete(Connection connection, List<PaymentWrites.Outcome> batch) throws SQLException {
        int[] counts;
        try (PreparedStatement update = connection.prepareStatement(COMPLETE)) {
            for (PaymentWrites.Outcome outcome : batch) {
                GatewayResult result = outcome.result();
                update.setString(1, result.paymentId());
                update.setString(2, result.status().name());
                if (result.reason() == null) {
                    update.setNull(3, Types.VARCHAR);
                } else {
                    update.setString(3, result.reason());
                }
                update.setObject(4, utc(result.chargedAt()));
                update.setString(5, outcome.orderId());
                update.addBatch();
            }
            counts = update.executeBatch();
        }
        return moved(counts);
    }

    /**
     * Records the request of each final payment that has none, in one batch; for each, whether it
     * recorded it (false: the payment has its request already, or is not final).
     */
    boolean[] answer(Connection connection, List<PaymentWrites.Answer> batch) throws SQLException {
        int[] counts;
        try (PreparedStatement update = connection.prepareStatement(ANSWER)) {
            for (PaymentWrites.Answer answer : batch) {
                update.setString(1, answer.requestId());
                update.setString(2, answer.correlationId());
                update.setString(3, answer.orderId());
                update.addBatch();
            }
            counts = update.executeBatch();
        }
        return moved(counts);
    }

    /** For each statement of a batched update, whether it moved its payment: each names one order, so one row at most. */
    private static boolean[] moved(int[] counts) {
        boolean[] moved = new boolean[counts.length];
        for (int i = 0; i < counts.length; i++) {
            moved[i] = counts[i] == 1;
        }
        return moved;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
