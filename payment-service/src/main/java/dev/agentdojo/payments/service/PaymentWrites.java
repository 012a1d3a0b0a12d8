package dev.agentdojo.payments.service;

import dev.agentdojo.service.db.GroupCommit;
import dev.agentdojo.service.db.GroupCommitConfig;
import io.agroal.api.AgroalDataSource;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The writes every payment makes — the charge of an order (or the decision to announce an earlier
 * one again), and the note that its outcome was read back from the event log — in plain JDBC, each kind through a {@link GroupCommit}: under
 * load, one transaction carries the writes of many orders. The database keeps an order to one
 * charge whatever the batches hold (see {@link Payments}).
 */
@ApplicationScoped
class PaymentWrites {

    /**
     * A request to charge an order.
     *
     * @param staleBefore  an earlier announcement is repeated only if made before this
     * @param loggedBefore ... and only if its outcome was never read back, or read back before this
     */
    record Charge(String orderId, BigDecimal amount, String currency, Instant staleBefore, Instant loggedBefore) {
    }

    private static final String CHARGED = "select order_id from payments where order_id = any(?)";
    private static final String INSERT = """
            insert into payments (order_id, id, amount, currency, status, reason, charged_at, announced_at)
            values (?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (order_id) do nothing""";
    /** Announces an earlier charge again if it is due (see {@link Payments#charge}); answers the payment and whether. */
    private static final String CHARGED_BEFORE = """
            with announcing as (
                update payments set announced_at = ?
                where order_id = ? and (announced_at is null or (announced_at < ? and (logged_at is null or logged_at < ?)))
                returning order_id)
            select id, order_id, amount, currency, status, reason, charged_at, exists (select 1 from announcing)
            from payments where order_id = ?""";
    private static final String LOGGED = "update payments set logged_at = ? where order_id = any(?) and logged_at is null";

    private final PaymentGateway gateway;
    private final GroupCommit<Charge, Payments.Decision> charges;
    private final GroupCommit<String, Void> logged;

    PaymentWrites(AgroalDataSource dataSource, PaymentGateway gateway, GroupCommitConfig batching) {
        this.gateway = gateway;
        var workers = Infrastructure.getDefaultWorkerPool();
        this.charges = new GroupCommit<>("charges", dataSource, workers, batching.maxBatch(), batching.maxQueued(),
                this::charge);
        this.logged = new GroupCommit<>("read-back outcomes", dataSource, workers, batching.maxBatch(), batching.maxQueued(),
                PaymentWrites::markLogged);
    }

    /**
     * Charges the order if it was never charged: the gateway is called, and the payment inserted
     * as announced now. If it was charged before (by this or another instance, in an earlier batch
     * or earlier in this one), decides whether to announce it again, and records that it is
     * announced now if so.
     */
    CompletionStage<Payments.Decision> charge(Charge charge) {
        return charges.submit(charge);
    }

    /** Records that the order's outcome was read back from the event log (blocking: call it on a worker). */
    void logged(String orderId) {
        logged.write(orderId);
    }

    private List<Payments.Decision> charge(Connection connection, List<Charge> batch) throws SQLException {
        Set<String> charged = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement(CHARGED)) {
            select.setArray(1, ids(connection, batch.stream().map(Charge::orderId).toList()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    charged.add(rows.getString(1));
                }
            }
        }
        List<Payments.Decision> decisions = new ArrayList<>(Collections.nCopies(batch.size(), null));
        List<Integer> inserting = new ArrayList<>();
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (int i = 0; i < batch.size(); i++) {
                Charge charge = batch.get(i);
                if (!charged.add(charge.orderId())) {
                    continue; // charged before, or earlier in this batch: the gateway is not called
                }
                Payment payment = gateway.charge(charge.orderId(), charge.amount(), charge.currency());
                insert.setString(1, payment.orderId());
                insert.setString(2, payment.id());
                insert.setBigDecimal(3, payment.amount());
                insert.setString(4, payment.currency());
                insert.setString(5, payment.status().name());
                if (payment.reason() == null) {
                    insert.setNull(6, Types.VARCHAR);
                } else {
                    insert.setString(6, payment.reason());
                }
                insert.setObject(7, utc(payment.chargedAt()));
                insert.setObject(8, utc(payment.chargedAt()));
                insert.addBatch();
                inserting.add(i);
                decisions.set(i, new Payments.Decision(payment, true, true));
            }
            if (!inserting.isEmpty()) {
                int[] inserted = insert.executeBatch();
                for (int k = 0; k < inserting.size(); k++) {
                    if (inserted[k] != 1) {
                        decisions.set(inserting.get(k), null); // another instance charged it meanwhile
                    }
                }
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            if (decisions.get(i) == null) {
                decisions.set(i, chargedBefore(connection, batch.get(i)));
            }
        }
        return decisions;
    }

    private static Payments.Decision chargedBefore(Connection connection, Charge charge) throws SQLException {
        try (PreparedStatement announce = connection.prepareStatement(CHARGED_BEFORE)) {
            announce.setObject(1, utc(Instant.now()));
            announce.setString(2, charge.orderId());
            announce.setObject(3, utc(charge.staleBefore()));
            announce.setObject(4, utc(charge.loggedBefore()));
            announce.setString(5, charge.orderId());
            try (ResultSet row = announce.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("order " + charge.orderId() + " has no payment, although it was charged");
                }
                Payment payment = new Payment(row.getString(1), row.getString(2), row.getBigDecimal(3), row.getString(4),
                        PaymentStatus.valueOf(row.getString(5)), row.getString(6),
                        row.getObject(7, OffsetDateTime.class).toInstant());
                return new Payments.Decision(payment, false, row.getBoolean(8));
            }
        }
    }

    private static List<Void> markLogged(Connection connection, List<String> orderIds) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(LOGGED)) {
            update.setObject(1, utc(Instant.now()));
            update.setArray(2, ids(connection, orderIds));
            update.executeUpdate();
        }
        return Collections.nCopies(orderIds.size(), null);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Array ids(Connection connection, List<String> ids) throws SQLException {
        return connection.createArrayOf("varchar", ids.toArray());
    }
}
