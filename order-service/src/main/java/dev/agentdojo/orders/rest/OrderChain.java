package dev.agentdojo.orders.rest;

import dev.agentdojo.orders.service.OrderStatus;

import java.util.List;

/** An order's causal chain across both services: {@code GET /orders/{id}/events}. */
public record OrderChain(String orderId, OrderStatus status, String correlationId, long totalMs, List<ChainHop> hops) {
}
