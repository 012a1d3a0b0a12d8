package dev.agentdojo.orders.service;

import dev.agentdojo.orders.config.OrdersConfig;
import dev.agentdojo.orders.model.OrderStatus;
import dev.agentdojo.orders.repository.IdempotencyKeyRepository;
import dev.agentdojo.orders.repository.OrderRepository;
import dev.agentdojo.service.lifecycle.Stopping;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The order-service's scheduled jobs: forgets idempotency keys older than
 * {@code orders.idempotency-key-ttl}, and refreshes the gauge {@code agentdojo.orders{status}}
 * (the orders in the database by status) every {@code orders.count-every}. A job that fails is
 * logged and runs again at its next turn; one cut short by the application stopping says nothing.
 */
@ApplicationScoped
class OrderHousekeeping {

    private static final Logger LOG = Logger.getLogger(OrderHousekeeping.class);

    private final OrderRepository orders;
    private final IdempotencyKeyRepository keys;
    private final Duration keyTtl;
    private final Map<OrderStatus, AtomicLong> byStatus = new EnumMap<>(OrderStatus.class);
    /** Whether the application stops: a job then running fails on a closing database, and says nothing of it. */
    private final Stopping stopping;

    OrderHousekeeping(OrderRepository orders, IdempotencyKeyRepository keys, MeterRegistry registry, OrdersConfig config,
                      Stopping stopping) {
        this.stopping = stopping;
        this.orders = orders;
        this.keys = keys;
        this.keyTtl = config.idempotencyKeyTtl();
        for (OrderStatus status : OrderStatus.values()) {
            byStatus.put(status, registry.gauge("agentdojo.orders", Tags.of("status", status.name()), new AtomicLong()));
        }
    }

    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void expireIdempotencyKeys() {
        try {
            keys.forgetOlderThan(Instant.now().minus(keyTtl));
        } catch (RuntimeException e) {
            if (!stopping.now()) {
                LOG.warnf("Could not forget old idempotency keys (tried again later): %s", e.getMessage());
            }
        }
    }

    @Scheduled(every = "${orders.count-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void countByStatus() {
        Map<OrderStatus, Long> counts;
        try {
            counts = orders.countByStatus();
        } catch (RuntimeException e) {
            if (!stopping.now()) {
                LOG.warnf("Could not count the orders by status (tried again soon): %s", e.getMessage());
            }
            return;
        }
        byStatus.forEach((status, gauge) -> gauge.set(counts.getOrDefault(status, 0L)));
    }
}
