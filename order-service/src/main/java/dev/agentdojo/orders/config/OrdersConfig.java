package dev.agentdojo.orders.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The {@code orders.*} settings. */
@ConfigMapping(prefix = "orders")
public interface OrdersConfig {

    /** How many events of one order's chain are stored for {@code GET /orders/{id}/events}. */
    @WithDefault("16")
    int maxChainEvents();

    /**
     * How long an {@code Idempotency-Key} of {@code POST /orders} answers with its first order (at
     * least; old keys are removed every 10 minutes).
     */
    @WithDefault("24h")
    Duration idempotencyKeyTtl();

    /**
     * The deadline of every request of the order API, for all its database work: it is answered
     * within this, whatever the database does — slow, stalled or gone. A {@code POST /orders} not
     * confirmed by then is answered 503, saying that it may have been done and that a retry with
     * the same {@code Idempotency-Key} is safe; a read, 503 "try again".
     */
    @WithDefault("15s")
    Duration answerWithin();

    /**
     * Where a trace is shown, {@code {traceId}} standing for its id — a Zipkin server's
     * {@code http://localhost:9411/zipkin/traces/{traceId}}, say: {@code GET /orders/{id}/events}
     * and the page link each order's chain to its trace. None by default.
     */
    Optional<String> traceUrl();

    /** How often the {@code agentdojo.orders{status}} gauges are counted again from the database. */
    @WithDefault("5s")
    Duration countEvery();
}
