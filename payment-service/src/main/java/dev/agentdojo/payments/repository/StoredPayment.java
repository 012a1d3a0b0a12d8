package dev.agentdojo.payments.repository;

import dev.agentdojo.payments.model.Payment;
import dev.agentdojo.payments.model.PaymentStatus;
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

/** A row of table {@code payments} (see {@code db/migration}); the API's view of it is {@link Payment}. */
@Entity
@Table(name = "payments")
public class StoredPayment extends PanacheEntityBase {

    @Id
    @Column(name = "order_id")
    public String orderId;
    public String id;
    public BigDecimal amount;
    /** char(3) in the migration: mapped as such, so that Hibernate's schema check agrees with it. */
    @JdbcTypeCode(SqlTypes.CHAR)
    @Column(length = 3)
    public String currency;
    @Enumerated(EnumType.STRING)
    public PaymentStatus status;
    public String reason;
    @Column(name = "charged_at")
    public Instant chargedAt;

    public Payment toPayment() {
        return new Payment(id, orderId, amount, currency, status, reason, chargedAt);
    }
}
