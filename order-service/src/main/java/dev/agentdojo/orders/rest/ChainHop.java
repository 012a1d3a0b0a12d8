package dev.agentdojo.orders.rest;

import dev.agentdojo.bus.Event;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One event of an order's chain, as {@code GET /orders/{id}/events} shows it.
 *
 * @param service     the service that emitted it
 * @param handledBy   the services that handled it: those whose listeners answered it with the next event(s),
 *                    and order-service for the outcome that settled the order
 * @param sinceFirstMs milliseconds since the chain's first event
 */
public record ChainHop(String event, String id, String service, List<String> handledBy, Instant timestamp,
                       long sinceFirstMs, String causationId) {

    /**
     * The hops of a chain, in the order the events happened, with their latency from the first.
     *
     * @param settledBy the id of the outcome event that {@code settler} settled the order on, or null
     */
    static List<ChainHop> of(List<Event> chain, String settledBy, String settler) {
        // by time, and a cause before its effects when both have the same millisecond
        Map<String, Event> byId = chain.stream().collect(Collectors.toMap(Event::id, e -> e, (a, b) -> a));
        List<Event> ordered = chain.stream()
                .sorted(Comparator.comparing(Event::timestamp).thenComparingInt(e -> depth(e, byId))).toList();
        Instant first = ordered.isEmpty() ? Instant.EPOCH : ordered.get(0).timestamp();
        return ordered.stream().map(e -> new ChainHop(e.name(), e.id(), e.source(), handlers(e, ordered, settledBy, settler),
                e.timestamp(), e.timestamp().toEpochMilli() - first.toEpochMilli(), e.causationId())).toList();
    }

    /** How many of the chain's events lead to this one through their causes (0 for the first). */
    private static int depth(Event e, Map<String, Event> byId) {
        int depth = 0;
        for (Event cause = byId.get(e.causationId()); cause != null && depth < byId.size(); cause = byId.get(cause.causationId())) {
            depth++;
        }
        return depth;
    }

    private static List<String> handlers(Event e, List<Event> chain, String settledBy, String settler) {
        Stream<String> answered = chain.stream().filter(next -> e.id().equals(next.causationId())).map(Event::source);
        return Stream.concat(answered, e.id().equals(settledBy) ? Stream.of(settler) : Stream.empty()).distinct().toList();
    }
}
