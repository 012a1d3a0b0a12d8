package dev.agentdojo.payments.repository;

import dev.agentdojo.payments.model.GatewayResult;
import dev.agentdojo.payments.model.Payment;
import dev.agentdojo.payments.model.PaymentStatus;
import dev.agentdojo.outbox.commit.GroupCommit;
import dev.agentdojo.outbox.commit.GroupCommitConfig;
import dev.agentdojo.outbox.TransactionalOutbox;
import io.agroal.api.AgroalDataSource;
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
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Every statement on table {@code payments} (its shape: {@code db/migration}), in plain JDBC on the
 * service's pool: the reads each on a connection of its own, in auto-commit (blocking: call them on
 * worker threads), and the writes every payment makes — recording it as {@code CHARGING} before the
 * gateway is called, and its outcome with the event that announces it after — each kind through a
 * {@link GroupCommit}: under load, one transaction carries the writes of many orders. The database
 * keeps an order to one payment (the order id is the key), and a payment to one outcome (it moves
 * out of {@code CHARGING} once), whatever the batches hold.
 */
@ApplicationScoped
public class PaymentRepository {

    /** A payment to record before its charge, and the request (event id, chain) that asks for it. */
    public record Charge(String orderId, BigDecimal amount, String currency, Instant at, String requestId, String correlationId) {
    }

    /**
     * A payment already final whose outcome was announced to no one (finished without its
     * request), the request that asks for it now, and the events that answer it.
     */
    public record Answer(String orderId, String requestId, String correlationId, List<TransactionalOutbox.Outgoing> events) {
    }

    /** A payment's outcome and the events that announce it (to the outbox, in the same transaction). */
    public record Outcome(String orderId, GatewayResult result, List<TransactionalOutbox.Outgoing> events) {
    }

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

    private final TransactionalOutbox outbox;
    private final AgroalDataSource dataSource;
    private final GroupCommit<Charge, Payment> charges;
    private final GroupCommit<Outcome, Boolean> outcomes;
    private final GroupCommit<Answer, Boolean> answers;

    PaymentRepository(AgroalDataSource dataSource, TransactionalOutbox outbox, GroupCommitConfig batching) {
        this.outbox = outbox;
        this.dataSource = dataSource;
        var workers = Infrastructure.getDefaultWorkerPool();
        this.charges = new GroupCommit<>("charges", dataSource, workers, batching, PaymentRepository::begin);
        this.outcomes = new GroupCommit<>("outcomes", dataSource, workers, batching, this::complete);
        this.answers = new GroupCommit<>("answers", dataSource, workers, batching, this::answer);
    }

    /**
     * Records the order's payment as {@code CHARGING}, unless it has one; completes with the order's
     * payment as it now stands ({@code CHARGING}: the gateway is to be called; otherwise: charged before).
     */
    public CompletionStage<Payment> begin(Charge charge) {
        return charges.submit(charge);
    }

    /** Completes a {@code CHARGING} payment with its outcome and commits its events; false when it was not charging any more. */
    public CompletionStage<Boolean> complete(Outcome outcome) {
        return outcomes.submit(outcome);
    }

    /**
     * Records the request that asks for a payment already final whose outcome was announced to no
     * one, and commits the events that answer it; false (and nothing committed) when the payment
     * has its request recorded (answered before, here or by another instance) or is not final.
     */
    public CompletionStage<Boolean> answer(Answer answer) {
        return answers.submit(answer);
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

    private static List<Payment> begin(Connection connection, List<Charge> batch) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(BEGIN)) {
            for (Charge charge : batch) {
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
            for (Charge charge : batch) {
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

    private List<Boolean> complete(Connection connection, List<Outcome> batch) throws SQLException {
        int[] moved;
        try (PreparedStatement update = connection.prepareStatement(COMPLETE)) {
            for (Outcome outcome : batch) {
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
            moved = update.executeBatch();
        }
        return writeEventsOfMoved(connection, moved, batch.stream().map(Outcome::events).toList());
    }

    private List<Boolean> answer(Connection connection, List<Answer> batch) throws SQLException {
        int[] moved;
        try (PreparedStatement update = connection.prepareStatement(ANSWER)) {
            for (Answer answer : batch) {
                update.setString(1, answer.requestId());
                update.setString(2, answer.correlationId());
                update.setString(3, answer.orderId());
                update.addBatch();
            }
            moved = update.executeBatch();
        }
        return writeEventsOfMoved(connection, moved, batch.stream().map(Answer::events).toList());
    }

    /** Writes to the outbox the events of each row an update moved ({@code moved[i] == 1}); answers which moved. */
    private List<Boolean> writeEventsOfMoved(Connection connection, int[] moved, List<List<TransactionalOutbox.Outgoing>> eventsOf)
            throws SQLException {
        List<Boolean> results = new ArrayList<>(moved.length);
        List<TransactionalOutbox.Outgoing> events = new ArrayList<>(moved.length);
        for (int i = 0; i < moved.length; i++) {
            results.add(moved[i] == 1);
            if (moved[i] == 1) {
                events.addAll(eventsOf.get(i));
            }
        }
        outbox.write(connection, events);
        return results;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
