package dev.agentdojo.orders.rest;

import dev.agentdojo.bus.Event;

import java.time.Instant;
import java.util.List;

/**
 * One event of an order's chain, as {@code GET /orders/{id}/events} shows it.
 *
 * @param service     the service that emitted it
 * @param handledBy   the services whose listeners answered it with the next event(s); empty for the last
 * @param sinceFirstMs milliseconds since the chain's first event
 */
public record ChainHop(String event, String id, String service, List<String> handledBy, Instant timestamp,
                       long sinceFirstMs, String causationId) {

    /** The hops of a chain, in the order the events happened, with their latency from the first. */
    static List<ChainHop> of(List<Event> chain) {
        List<Event> ordered = chain.stream().sorted(java.util.Comparator.comparing(Event::timestamp)).toList();
        Instant first = ordered.isEmpty() ? Instant.EPOCH : ordered.get(0).timestamp();
        return ordered.stream().map(e -> new ChainHop(e.name(), e.id(), e.source(),
                ordered.stream().filter(next -> e.id().equals(next.causationId())).map(Event::source).distinct().toList(),
                e.timestamp(), e.timestamp().toEpochMilli() - first.toEpochMilli(), e.causationId())).toList();
    }
}
