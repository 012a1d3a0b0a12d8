package dev.agentdojo.orders.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The {@code orders.*} settings. */
@ConfigMapping(prefix = "orders")
public interface OrdersConfig {

    /** How many events of one order's chain are stored for {@code GET /orders/{id}/events}. */
    @WithDefault("16")
    int maxChainEvents();

    /**
     * How long an order may stay pending before its payment is asked for again; each later ask
     * waits twice as long as the one before, up to {@link #paymentRetryMaxWait()}.
     */
    @WithDefault("10s")
    Duration paymentRetryAfter();

    /** The longest wait between two asks for an order's payment. */
    @WithDefault("5m")
    Duration paymentRetryMaxWait();

    /** How often the {@code agentdojo.orders{status}} gauges are counted again from the database. */
    @WithDefault("5s")
    Duration countEvery();
}
