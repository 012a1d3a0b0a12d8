package dev.agentdojo.orders.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.bridge.EventTraces;
import dev.agentdojo.orders.config.OrdersConfig;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every statement on table {@code order_events} (its shape: {@code db/migration}), the events of
 * each order's chain with their args as JSON: stored once per event id, only for an order that
 * exists, at most {@code orders.max-chain-events} per order. Plain JDBC on the service's pool: the
 * reads each on a connection of its own, in auto-commit (blocking: call them on worker threads),
 * the batched insert on the connection {@link OrderWrites} commits.
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
    private static final String ORDER_EXISTS = "select 1 from orders where id = ?";
    private static final String CHAIN = """
            select id, name, args, emitted_at, source, correlation_id, causation_id from order_events
            where order_id = ? order by emitted_at, id""";
    private static final String TRACE = """
            select trace_id from order_events
            where order_id = ? and trace_id is not null order by emitted_at, id limit 1""";

    /** An event for the chain of order {@code orderId}, its args already JSON, and its trace (null when tracing is off). */
    public record ChainEvent(String orderId, Event event, String argsJson, String traceId) {
    }

    private final AgroalDataSource dataSource;
    private final ObjectMapper json;
    private final int maxChainEvents;
    private final EventTraces traces;

    OrderEventRepository(AgroalDataSource dataSource, ObjectMapper json, OrdersConfig config, EventTraces traces) {
        this.dataSource = dataSource;
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

    /**
     * The events of the order's chain, in the order they were emitted (then by id); empty when the
     * order does not exist. Blocking.
     */
    public Optional<List<Event>> chain(String orderId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement exists = connection.prepareStatement(ORDER_EXISTS);
             PreparedStatement select = connection.prepareStatement(CHAIN)) {
            exists.setString(1, orderId);
            try (ResultSet row = exists.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
            }
            select.setString(1, orderId);
            List<Event> chain = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    chain.add(event(orderId, row));
                }
            }
            return Optional.of(chain);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the chain of order " + orderId + ": " + e.getMessage(), e);
        }
    }

    /** The trace of the order's chain: that of its first event that has one. Blocking. */
    public Optional<String> traceOf(String orderId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(TRACE)) {
            select.setString(1, orderId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the trace of order " + orderId + ": " + e.getMessage(), e);
        }
    }

    /** Inserts one chain event on a connection of its own, in auto-commit (as {@link #insert} would). Blocking. */
    public void add(ChainEvent event) {
        try (Connection connection = dataSource.getConnection()) {
            insert(connection, List.of(event));
        } catch (SQLException e) {
            throw new IllegalStateException("could not add event " + event.event().id() + " to the chain of order "
                    + event.orderId() + ": " + e.getMessage(), e);
        }
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

    /** The event in the current row of a {@link #CHAIN}. */
    private Event event(String orderId, ResultSet row) throws SQLException {
        String id = row.getString(1);
        try {
            return new Event(id, row.getString(2), json.readValue(row.getString(3), ARGS),
                    row.getObject(4, OffsetDateTime.class).toInstant(), row.getString(5), row.getString(6), row.getString(7));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + id + " of order " + orderId + " has args that are not JSON", e);
        }
    }
}
