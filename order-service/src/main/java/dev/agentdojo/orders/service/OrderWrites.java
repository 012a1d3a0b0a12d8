package dev.agentdojo.orders.service;

import dev.agentdojo.bus.Event;
import dev.agentdojo.orders.config.OrdersConfig;
import dev.agentdojo.service.db.GroupCommit;
import dev.agentdojo.service.db.GroupCommitConfig;
import io.agroal.api.AgroalDataSource;
import io.smallrye.mutiny.infrastructure.Infrastructure;
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
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The writes every order makes — its insert, its chain's events, its outcome — in plain JDBC,
 * each kind through a {@link GroupCommit}: under load, one transaction carries the writes of many
 * orders. The statements are the same whether a batch holds one item or two hundred, and each is
 * safe to repeat and safe beside other instances (see {@link Orders}).
 */
@ApplicationScoped
class OrderWrites {

    /** An event for the chain of order {@code orderId}, its args already JSON. */
    record ChainEvent(String orderId, Event event, String argsJson) {
    }

    /** An outcome to apply to a pending order, and to add to its chain when it settles it. */
    record Outcome(ChainEvent event, OrderStatus to, String paymentId, String reason, Instant at) {
    }

    /**
     * What an outcome did.
     *
     * @param moved true when it settled the order
     * @param found the order's status when it did not (null: there is no such order)
     */
    record Settled(boolean moved, OrderStatus found) {
    }

    private static final String INSERT_ORDER = """
            insert into orders (id, customer, amount, currency, status, created_at, updated_at, payment_asked_at)
            values (?, ?, ?, ?, ?, ?, ?, ?)""";
    /** Once per event id, only for an order that exists, and at most orders.max-chain-events per order. */
    private static final String INSERT_EVENT = """
            insert into order_events (id, order_id, name, args, emitted_at, source, correlation_id, causation_id)
            select ?, ?, ?, ?, ?, ?, ?, ?
            where exists (select 1 from orders where id = ?)
              and (select count(*) from order_events where order_id = ?) < ?
            on conflict (id) do nothing""";
    private static final String SETTLE = """
            update orders set status = ?, payment_id = ?, reason = ?, updated_at = ?, settled_by = ?
            where id = ? and status = 'PENDING'""";

    private final int maxChainEvents;
    private final GroupCommit<Order, Void> orders;
    private final GroupCommit<ChainEvent, Void> events;
    private final GroupCommit<Outcome, Settled> outcomes;

    OrderWrites(AgroalDataSource dataSource, GroupCommitConfig batching, OrdersConfig config) {
        this.maxChainEvents = config.maxChainEvents();
        var workers = Infrastructure.getDefaultWorkerPool();
        this.orders = new GroupCommit<>("new orders", dataSource, workers, batching.maxBatch(), batching.maxQueued(),
                OrderWrites::insertOrders);
        this.events = new GroupCommit<>("chain events", dataSource, workers, batching.maxBatch(), batching.maxQueued(),
                this::insertEvents);
        this.outcomes = new GroupCommit<>("outcomes", dataSource, workers, batching.maxBatch(), batching.maxQueued(),
                this::settle);
    }

    /** Inserts a new order; fails (and inserts nothing) if its id exists. */
    CompletionStage<Void> insert(Order order) {
        return orders.submit(order);
    }

    CompletionStage<Void> record(ChainEvent event) {
        return events.submit(event);
    }

    CompletionStage<Settled> settle(Outcome outcome) {
        return outcomes.submit(outcome);
    }

    private static List<Void> insertOrders(Connection connection, List<Order> batch) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_ORDER)) {
            for (Order order : batch) {
                insert.setString(1, order.id());
                insert.setString(2, order.customer());
                insert.setBigDecimal(3, order.amount());
                insert.setString(4, order.currency());
                insert.setString(5, order.status().name());
                insert.setObject(6, utc(order.createdAt()));
                insert.setObject(7, utc(order.updatedAt()));
                insert.setObject(8, utc(order.createdAt()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        return Collections.nCopies(batch.size(), null);
    }

    private List<Void> insertEvents(Connection connection, List<ChainEvent> batch) throws SQLException {
        insertEventsOn(connection, batch);
        return Collections.nCopies(batch.size(), null);
    }

    private void insertEventsOn(Connection connection, List<ChainEvent> batch) throws SQLException {
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
        insertEventsOn(connection, settling);
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
