package dev.agentdojo.orders.service;

import dev.agentdojo.bus.Event;
import dev.agentdojo.orders.config.OrdersConfig;
import dev.agentdojo.service.db.GroupCommit;
import dev.agentdojo.service.db.GroupCommitConfig;
import dev.agentdojo.service.outbox.TransactionalOutbox;
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
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The writes every order makes — its insert with its chain and the events it sends, its outcome —
 * in plain JDBC, each kind through a {@link GroupCommit}: under load, one transaction carries the
 * writes of many orders. The statements are the same whether a batch holds one item or two
 * hundred, and each is safe to repeat and safe beside other instances (see {@link Orders}).
 */
@ApplicationScoped
class OrderWrites {

    /** An event for the chain of order {@code orderId}, its args already JSON. */
    record ChainEvent(String orderId, Event event, String argsJson) {
    }

    /**
     * A new order, the events of its chain so far, and the events it sends (to the outbox, in the
     * same transaction); with the request's idempotency key and its fingerprint when it has one.
     */
    record NewOrder(Order order, List<ChainEvent> chain, List<TransactionalOutbox.Outgoing> events, String key,
                    String fingerprint) {
    }

    /**
     * What placing an order did.
     *
     * @param orderId     the order placed, or the one the key was used for first
     * @param fingerprint the fingerprint the key was first used with (the order's own when placed)
     * @param placed      false when the key was used before, and nothing was written
     */
    record Placed(String orderId, String fingerprint, boolean placed) {
    }

    /**
     * An outcome to apply to a pending order, and to add to its chain when it settles it: only if it
     * answers the order's payment request (its cause, amount and currency).
     */
    record Outcome(ChainEvent event, OrderStatus to, String paymentId, String reason, BigDecimal amount, String currency,
                   Instant at) {
    }

    /**
     * What an outcome did.
     *
     * @param moved true when it settled the order
     * @param found the order's status when it did not (null: there is no such order)
     */
    record Settled(boolean moved, OrderStatus found) {
    }

    private static final String INSERT_KEY = """
            insert into idempotency_keys (key, fingerprint, order_id, created_at) values (?, ?, ?, ?)
            on conflict (key) do nothing""";
    private static final String FIND_KEY = "select order_id, fingerprint from idempotency_keys where key = ?";
    private static final String INSERT_ORDER = """
            insert into orders (id, customer, amount, currency, status, created_at, updated_at)
            values (?, ?, ?, ?, ?, ?, ?)""";
    /** Once per event id, only for an order that exists, and at most orders.max-chain-events per order. */
    private static final String INSERT_EVENT = """
            insert into order_events (id, order_id, name, args, emitted_at, source, correlation_id, causation_id)
            select ?, ?, ?, ?, ?, ?, ?, ?
            where exists (select 1 from orders where id = ?)
              and (select count(*) from order_events where order_id = ?) < ?
            on conflict (id) do nothing""";
    /** Settles a pending order with an outcome that answers its own payment request: its cause, amount and currency. */
    private static final String SETTLE = """
            update orders set status = ?, payment_id = ?, reason = ?, updated_at = ?, settled_by = ?
            where id = ? and status = 'PENDING' and amount = ? and currency = ?
              and exists (select 1 from order_events e where e.order_id = orders.id and e.name = 'payment:process' and e.id = ?)""";

    private final AgroalDataSource dataSource;
    private final int maxChainEvents;
    private final TransactionalOutbox outbox;
    private final GroupCommit<NewOrder, Placed> orders;
    private final GroupCommit<Outcome, Settled> outcomes;

    OrderWrites(AgroalDataSource dataSource, TransactionalOutbox outbox, GroupCommitConfig batching, OrdersConfig config) {
        this.dataSource = dataSource;
        this.maxChainEvents = config.maxChainEvents();
        this.outbox = outbox;
        var workers = Infrastructure.getDefaultWorkerPool();
        this.orders = new GroupCommit<>("new orders", dataSource, workers, batching, this::place);
        this.outcomes = new GroupCommit<>("outcomes", dataSource, workers, batching, this::settle);
    }

    /**
     * Inserts a new order with its chain and its events, in one transaction; unless its key was
     * used before (then nothing is written, and the first order is answered). Fails, writing
     * nothing, if the order's id exists.
     */
    CompletionStage<Placed> place(NewOrder order) {
        return orders.submit(order);
    }

    /** The order an idempotency key was first used for, if it was (blocking: call it on a worker). */
    Optional<Placed> earlier(String key) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement find = connection.prepareStatement(FIND_KEY)) {
            find.setString(1, key);
            try (ResultSet row = find.executeQuery()) {
                return row.next() ? Optional.of(new Placed(row.getString(1), row.getString(2), false)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not look up idempotency key: " + e.getMessage(), e);
        }
    }

    CompletionStage<Settled> settle(Outcome outcome) {
        return outcomes.submit(outcome);
    }

    private List<Placed> place(Connection connection, List<NewOrder> batch) throws SQLException {
        List<Placed> results = new ArrayList<>(Collections.nCopies(batch.size(), null));
        claimKeys(connection, batch, results);
        List<NewOrder> placing = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            if (results.get(i) == null) {
                NewOrder placed = batch.get(i);
                placing.add(placed);
                results.set(i, new Placed(placed.order().id(), placed.fingerprint(), true));
            }
        }
        if (placing.isEmpty()) {
            return results;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_ORDER)) {
            for (NewOrder placed : placing) {
                Order order = placed.order();
                insert.setString(1, order.id());
                insert.setString(2, order.customer());
                insert.setBigDecimal(3, order.amount());
                insert.setString(4, order.currency());
                insert.setString(5, order.status().name());
                insert.setObject(6, utc(order.createdAt()));
                insert.setObject(7, utc(order.updatedAt()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        List<ChainEvent> chain = new ArrayList<>(placing.size() * 2);
        List<TransactionalOutbox.Outgoing> events = new ArrayList<>(placing.size() * 2);
        for (NewOrder placed : placing) {
            chain.addAll(placed.chain());
            events.addAll(placed.events());
        }
        insertEvents(connection, chain);
        outbox.write(connection, events);
        return results;
    }

    /** Claims the batch's idempotency keys; an order whose key was claimed before gets its result now. */
    private static void claimKeys(Connection connection, List<NewOrder> batch, List<Placed> results) throws SQLException {
        List<Integer> keyed = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).key() != null) {
                keyed.add(i);
            }
        }
        if (keyed.isEmpty()) {
            return;
        }
        int[] claimed;
        try (PreparedStatement insert = connection.prepareStatement(INSERT_KEY)) {
            for (int i : keyed) {
                NewOrder placed = batch.get(i);
                insert.setString(1, placed.key());
                insert.setString(2, placed.fingerprint());
                insert.setString(3, placed.order().id());
                insert.setObject(4, utc(placed.order().createdAt()));
                insert.addBatch();
            }
            claimed = insert.executeBatch();
        }
        for (int k = 0; k < keyed.size(); k++) {
            if (claimed[k] == 1) {
                continue;
            }
            NewOrder placed = batch.get(keyed.get(k));
            try (PreparedStatement find = connection.prepareStatement(FIND_KEY)) {
                find.setString(1, placed.key());
                try (ResultSet row = find.executeQuery()) {
                    if (!row.next()) {
                        throw new IllegalStateException("idempotency key " + placed.key() + " is neither new nor stored");
                    }
                    results.set(keyed.get(k), new Placed(row.getString(1), row.getString(2), false));
                }
            }
        }
    }

    private void insertEvents(Connection connection, List<ChainEvent> batch) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENT)) {
            for (ChainEvent chained : batch) {
                Event event = chained.event();
                insert.setString(1, event.id());
                insert.setString(2, chained.orderId());
                insert.setString(3, event.name());
                insert.setString(4, chained.argsJson());
                insert.setObject(5, utc(event.timestamp()));
                insert.setString(6, event.source());
                insert.setString(7, event.correlationId());
                if (event.causationId() == null) {
                    insert.setNull(8, Types.VARCHAR);
                } else {
                    insert.setString(8, event.causationId());
                }
                insert.setString(9, chained.orderId());
                insert.setString(10, chained.orderId());
                insert.setInt(11, maxChainEvents);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private List<Settled> settle(Connection connection, List<Outcome> batch) throws SQLException {
        int[] moved;
        try (PreparedStatement update = connection.prepareStatement(SETTLE)) {
            for (Outcome outcome : batch) {
                update.setString(1, outcome.to().name());
                update.setString(2, outcome.paymentId());
                update.setString(3, outcome.reason());
                update.setObject(4, utc(outcome.at()));
                update.setString(5, outcome.event().event().id());
                update.setString(6, outcome.event().orderId());
                update.setBigDecimal(7, outcome.amount());
                update.setString(8, outcome.currency());
                String cause = outcome.event().event().causationId();
                if (cause == null) {
                    update.setNull(9, Types.VARCHAR);
                } else {
                    update.setString(9, cause);
                }
                update.addBatch();
            }
            moved = update.executeBatch();
        }
        List<ChainEvent> settling = new ArrayList<>();
        List<Settled> results = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            if (moved[i] == 1) {
                settling.add(batch.get(i).event());
                results.add(new Settled(true, null));
            } else {
                results.add(new Settled(false, statusOf(connection, batch.get(i).event().orderId())));
            }
        }
        insertEvents(connection, settling);
        return results;
    }

    private static OrderStatus statusOf(Connection connection, String orderId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select status from orders where id = ?")) {
            select.setString(1, orderId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? OrderStatus.valueOf(row.getString(1)) : null;
            }
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
