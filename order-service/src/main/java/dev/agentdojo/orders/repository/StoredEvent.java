package dev.agentdojo.orders.repository;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A row of table {@code order_events}: one event of an order's chain, its args as JSON. */
@Entity
@Table(name = "order_events")
public class StoredEvent extends PanacheEntityBase {

    @Id
    public String id;
    @Column(name = "order_id")
    public String orderId;
    public String name;
    public String args;
    @Column(name = "emitted_at")
    public Instant emittedAt;
    public String source;
    @Column(name = "correlation_id")
    public String correlationId;
    @Column(name = "causation_id")
    public String causationId;
    /** The OpenTelemetry trace the event belongs to; null when tracing was off. */
    @Column(name = "trace_id")
    public String traceId;
}
