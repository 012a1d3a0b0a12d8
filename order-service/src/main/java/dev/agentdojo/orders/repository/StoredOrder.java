package dev.agentdojo.orders.repository;

import dev.agentdojo.orders.model.OrderStatus;
import dev.agentdojo.orders.model.Order;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.math.BigDecimal;
import java.time.Instant;

/** A row of table {@code orders} (see {@code db/migration}); the API's view of it is {@link Order}. */
@Entity
@Table(name = "orders")
public class StoredOrder extends PanacheEntityBase {

    @Id
    public String id;
    public String customer;
    public BigDecimal amount;
    /** char(3) in the migration: mapped as such, so that Hibernate's schema check agrees with it. */
    @JdbcTypeCode(SqlTypes.CHAR)
    @Column(length = 3)
    public String currency;
    @Enumerated(EnumType.STRING)
    public OrderStatus status;
    @Column(name = "payment_id")
    public String paymentId;
    public String reason;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    /** The id of the outcome event that made the order final. */
    @Column(name = "settled_by")
    public String settledBy;

    public Order toOrder() {
        return new Order(id, customer, amount, currency, status, paymentId, reason, createdAt, updatedAt);
    }
}
