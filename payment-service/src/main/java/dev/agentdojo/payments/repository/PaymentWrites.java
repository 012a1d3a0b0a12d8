package dev.agentdojo.payments.repository;

import dev.agentdojo.payments.model.GatewayResult;
import dev.agentdojo.payments.model.Payment;
import dev.agentdojo.outbox.commit.GroupCommit;
import dev.agentdojo.outbox.commit.GroupCommitConfig;
import dev.agentdojo.outbox.TransactionalOutbox;
import io.agroal.api.AgroalDataSource;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Commits what every payment writes — recording it as {@code CHARGING} before the gateway is called;
 * its outcome with the events that announce it after; the request that asks for a payment finished
 * without one, with the events that answer it — each kind through a {@link GroupCommit}: under load,
 * one transaction carries the writes of many orders. The statements are the table's own
 * ({@link PaymentRepository}), each safe to repeat, so nothing depends on how writes are grouped; an
 * item's events go to the outbox, in its batch's transaction, only when its statement moved its payment.
 */
@ApplicationScoped
public class PaymentWrites {

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

    private final PaymentRepository payments;
    private final TransactionalOutbox outbox;
    private final GroupCommit<Charge, Payment> charges;
    private final GroupCommit<Outcome, Boolean> outcomes;
    private final GroupCommit<Answer, Boolean> answers;

    PaymentWrites(AgroalDataSource dataSource, PaymentRepository payments, TransactionalOutbox outbox, GroupCommitConfig batching) {
        this.payments = payments;
        this.outbox = outbox;
        var workers = Infrastructure.getDefaultWorkerPool();
        this.charges = new GroupCommit<>("charges", dataSource, workers, batching, payments::begin);
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

    private List<Boolean> complete(Connection connection, List<Outcome> batch) throws SQLException {
        return writeEventsOfMoved(connection, payments.complete(connection, batch), batch.stream().map(Outcome::events).toList());
    }

    private List<Boolean> answer(Connection connection, List<Answer> batch) throws SQLException {
        return writeEventsOfMoved(connection, payments.answer(connection, batch), batch.stream().map(Answer::events).toList());
    }

    /** Writes to the outbox the events of each row an update moved ({@code moved[i]}); answers which moved. */
    private List<Boolean> writeEventsOfMoved(Connection connection, boolean[] moved, List<List<TransactionalOutbox.Outgoing>> eventsOf)
            throws SQLException {
        List<Boolean> results = new ArrayList<>(moved.length);
        List<TransactionalOutbox.Outgoing> events = new ArrayList<>(moved.length);
        for (int i = 0; i < moved.length; i++) {
            results.add(moved[i]);
            if (moved[i]) {
                events.addAll(eventsOf.get(i));
            }
        }
        outbox.write(connection, events);
        return results;
    }
}
