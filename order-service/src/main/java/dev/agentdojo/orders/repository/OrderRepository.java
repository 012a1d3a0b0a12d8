package dev.agentdojo.orders.repository;

import dev.agentdojo.orders.model.Order;
import dev.agentdojo.orders.model.OrderStatus;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every statement on table {@code orders} (its shape: {@code db/migration}), in plain JDBC on the
 * service's pool: the reads each on a connection of its own, in auto-commit (blocking: call them on
 * worker threads), the batched writes on the connection {@link OrderWrites} commits. An outcome
 * moves an order only while it is {@code PENDING}, so a redelivered or late outcome changes nothing.
 */
@ApplicationScoped
public class OrderRepository {

    private static final String INSERT = """
            insert into orders (id, customer, amount, currency, status, created_at, updated_at)
            values (?, ?, ?, ?, ?, ?, ?)""";
    /** Settles a pending order with an outcome that answers its own payment request: its cause, amount and currency. */
    private static final String SETTLE = """
            update orders set status = ?, payment_id = ?, reason = ?, updated_at = ?, settled_by = ?
            where id = ? and status = 'PENDING' and amount = ? and currency = ?
              and exists (select 1 from order_events e where e.order_id = orders.id and e.name = 'payment:process' and e.id = ?)""";
    private static final String STATUS = "select status from orders where id = ?";
    private static final String FIND = """
            select id, customer, amount, currency, status, payment_id, reason, created_at, updated_at
            from orders where id = ?""";
    private static final String NEWEST = """
            select id, customer, amount, currency, status, payment_id, reason, created_at, updated_at
            from orders order by created_at desc limit ?""";
    private static final String SETTLED_BY = "select settled_by from orders where id = ?";
    private static final String COUNT_BY_STATUS = "select status, count(*) from orders group by status";

    private final AgroalDataSource dataSource;

    OrderRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The order, if there is one. Blocking. */
    public Optional<Order> find(String id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(FIND)) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(order(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read order " + id + ": " + e.getMessage(), e);
        }
    }

    /** The newest orders first, at most {@code limit}. Blocking. */
    public List<Order> newest(int limit) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(NEWEST)) {
            select.setInt(1, limit);
            List<Order> newest = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    newest.add(order(row));
                }
            }
            return newest;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the newest orders: " + e.getMessage(), e);
        }
    }

    /**
     * The id of the outcome event that made the order final; empty while it is pending or when there
     * is no such order. Blocking.
     */
    public Optional<String> settledBy(String id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(SETTLED_BY)) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.ofNullable(row.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read order " + id + ": " + e.getMessage(), e);
        }
    }

    /** How many orders have each status, in one statement (a status no order has is absent). Blocking. */
    public Map<OrderStatus, Long> countByStatus() {
        Map<OrderStatus, Long> counts = new EnumMap<>(OrderStatus.class);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(COUNT_BY_STATUS);
             ResultSet row = select.executeQuery()) {
            while (row.next()) {
                counts.put(OrderStatus.valueOf(row.getString(1)), row.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not count the orders by status: " + e.getMessage(), e);
        }
        return counts;
    }

    /** Inserts new orders, in one batch on {@code connection}. */
    void insert(Connection connection, List<Order> orders) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (Order order : orders) {
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
    }

    /** Settles the pending orders the outcomes answer, in one batch; for each, whether it moved the order. */
    boolean[] settle(Connection connection, List<OrderWrites.Outcome> outcomes) throws SQLException {
        int[] counts;
        try (PreparedStatement update = connection.prepareStatement(SETTLE)) {
            for (OrderWrites.Outcome outcome : outcomes) {
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
            counts = update.executeBatch();
        }
        boolean[] moved = new boolean[counts.length];
        for (int i = 0; i < counts.length; i++) {
            moved[i] = counts[i] == 1;
        }
        return moved;
    }

    /** The order's status, or null when there is no such order. */
    OrderStatus statusOf(Connection connection, String orderId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(STATUS)) {
            select.setString(1, orderId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? OrderStatus.valueOf(row.getString(1)) : null;
            }
        }
    }

    /** The order in the current row of a {@link #FIND} or {@link #NEWEST}. */
    private static Order order(ResultSet row) throws SQLException {
        return new Order(row.getString(1), row.getString(2), row.getBigDecimal(3), row.getString(4),
                OrderStatus.valueOf(row.getString(5)), row.getString(6), row.getString(7),
                row.getObject(8, OffsetDateTime.class).toInstant(), row.getObject(9, OffsetDateTime.class).toInstant());
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
