package dev.agentdojo.orders.repository;

import dev.agentdojo.orders.model.Order;
import dev.agentdojo.orders.model.OrderStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every statement on table {@code orders} (its shape: {@code db/migration}, {@link StoredOrder}):
 * the reads through Hibernate ORM (blocking: call them on worker threads), the batched writes in
 * plain JDBC on the connection {@link OrderWrites} commits. An outcome moves an order only while it
 * is {@code PENDING}, so a redelivered or late outcome changes nothing.
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

    @Transactional
    public Optional<Order> find(String id) {
        return StoredOrder.<StoredOrder>findByIdOptional(id).map(StoredOrder::toOrder);
    }

    /** The newest orders first, at most {@code limit}. */
    @Transactional
    public List<Order> newest(int limit) {
        return StoredOrder.<StoredOrder>find("order by createdAt desc").page(0, limit).stream().map(StoredOrder::toOrder).toList();
    }

    /** The id of the outcome event that made the order final; empty while it is pending or when there is no such order. */
    @Transactional
    public Optional<String> settledBy(String id) {
        return StoredOrder.<StoredOrder>findByIdOptional(id).map(o -> o.settledBy);
    }

    /** How many orders have each status, in a transaction of its own. */
    public Map<OrderStatus, Long> countByStatus() {
        Map<OrderStatus, Long> counts = new EnumMap<>(OrderStatus.class);
        QuarkusTransaction.requiringNew().run(() -> StoredOrder.getEntityManager()
                .createQuery("select o.status, count(o) from StoredOrder o group by o.status", Object[].class)
                .getResultList().forEach(row -> counts.put((OrderStatus) row[0], (Long) row[1])));
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

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
