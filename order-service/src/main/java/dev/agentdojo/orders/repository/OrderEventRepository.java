package dev.agentdojo.orders.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.bridge.EventTraces;
import dev.agentdojo.orders.config.OrdersConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;

/**
 * Every statement on table {@code order_events} (its shape: {@link StoredEvent}), the events of
 * each order's chain with their args as JSON: stored once per event id, only for an order that
 * exists, at most {@code orders.max-chain-events} per order.
 */
@ApplicationScoped
public class OrderEventRepository {

    private static final TypeReference<List<Object>> ARGS = new TypeReference<>() { };
    private static final String INSERT = """
            insert into order_events (id, order_id, name, args, emitted_at, source, correlation_id, causation_id, trace_id)
            select ?, ?, ?, ?, ?, ?, ?, ?, ?
            where exists (select 1 from orders where id = ?)
              and (select count(*) from order_events where order_id = ?) < ?
            on conflict (id) do nothing""";

    /** An event for the chain of order {@code orderId}, its args already JSON, and its trace (null when tracing is off). */
    public record ChainEvent(String orderId, Event event, String argsJson, String traceId) {
    }

    private final ObjectMapper json;
    private final int maxChainEvents;
    private final EventTraces traces;

    OrderEventRepository(ObjectMapper json, OrdersConfig config, EventTraces traces) {
        this.json = json;
        this.maxChainEvents = config.maxChainEvents();
        this.traces = traces;
    }

    /**
     * {@code event} for the chain of order {@code orderId}, with the trace it belongs to (so called
     * where it is emitted or handled); fails if its args cannot be JSON.
     */
    public ChainEvent chained(String orderId, Event event) {
        try {
            return new ChainEvent(orderId, event, json.writeValueAsString(event.args()), traces.traceId(event));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the args of event " + event.id() + " cannot be stored as JSON", e);
        }
    }

    /** The events of the order's chain, in the order they were emitted; empty when the order does not exist. */
    @Transactional
    public Optional<List<Event>> chain(String orderId) {
        if (StoredOrder.findById(orderId) == null) {
            return Optional.empty();
        }
        return Optional.of(StoredEvent.<StoredEvent>find("orderId = ?1 order by emittedAt, id", orderId).stream()
                .map(this::toEvent).toList());
    }

    /** The trace of the order's chain: that of its first event that has one. */
    @Transactional
    public Optional<String> traceOf(String orderId) {
        return StoredEvent.<StoredEvent>find("orderId = ?1 and traceId is not null order by emittedAt, id", orderId)
                .firstResultOptional().map(row -> row.traceId);
    }

    /** Inserts chain events, in one batch on {@code connection}. */
    void insert(Connection connection, List<ChainEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (ChainEvent chained : events) {
                Event event = chained.event();
                insert.setString(1, event.id());
                insert.setString(2, chained.orderId());
                insert.setString(3, event.name());
                insert.setString(4, chained.argsJson());
                insert.setObject(5, OrderRepository.utc(event.timestamp()));
                insert.setString(6, event.source());
                insert.setString(7, event.correlationId());
                if (event.causationId() == null) {
                    insert.setNull(8, Types.VARCHAR);
                } else {
                    insert.setString(8, event.causationId());
                }
                insert.setString(9, chained.traceId());
                insert.setString(10, chained.orderId());
                insert.setString(11, chained.orderId());
                insert.setInt(12, maxChainEvents);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private Event toEvent(StoredEvent row) {
        try {
            return new Event(row.id, row.name, json.readValue(row.args, ARGS), row.emittedAt, row.source,
                    row.correlationId, row.causationId);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + row.id + " of order " + row.orderId + " has args that are not JSON", e);
        }
    }
}
