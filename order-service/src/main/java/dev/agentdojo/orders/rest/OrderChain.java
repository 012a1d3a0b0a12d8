package dev.agentdojo.orders.rest;

import dev.agentdojo.orders.model.OrderStatus;

import java.util.List;

/**
 * An order's causal chain across both services: {@code GET /orders/{id}/events}.
 *
 * @param traceId  the OpenTelemetry trace of the chain; null when tracing was off
 * @param traceUrl where that trace is shown ({@code orders.trace-url}); null when not set, or no trace
 */
public record OrderChain(String orderId, OrderStatus status, String correlationId, String traceId, String traceUrl, long totalMs,
                         List<ChainHop> hops) {
}
