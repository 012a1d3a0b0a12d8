package dev.agentdojo.outbox;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventOutbox;
import dev.agentdojo.bus.ListenerFailedException;
import dev.agentdojo.bus.bridge.BridgeConfig;
import dev.agentdojo.bus.bridge.EventTraces;
import dev.agentdojo.outbox.commit.GroupCommit;
import dev.agentdojo.outbox.commit.GroupCommitConfig;
import io.agroal.api.AgroalDataSource;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The services' {@link EventOutbox}: the events that cross to other services are written to the
 * table {@code outbox} of the service's database in the transaction of the state change that
 * caused them, and {@link OutboxRelay} sends them to the broker once committed — never before, and
 * never if the transaction rolls back.
 *
 * <p>How an emit joins a transaction: state changes here are written by {@link GroupCommit}s, whose
 * items are built before they are written. So a service {@linkplain #collect collects} the events
 * that a piece of work emits (the work and the synchronous listeners it triggers, on this thread),
 * puts them in the item it writes, and the writer {@linkplain #write writes} them with the state
 * on the same connection, before the one commit. An event emitted outside {@link #collect} is
 * committed in a transaction of its own (batched with others), and its emit's {@code Uni} completes
 * once it is committed.
 *
 * <p>A listener that fails while {@link #collect} runs fails the work: {@code collect} throws a
 * {@link ListenerFailedException} (the first failure, the others suppressed) and hands the caller
 * no events, so nothing of it is committed — never an order without its payment request. (Only
 * failures known during {@code collect} count: those of synchronous listeners.)
 *
 * <p>The table has the columns of Debezium's outbox event router ({@code id}, {@code aggregatetype},
 * {@code aggregateid}, {@code type}, {@code payload}; plus {@code source} and {@code instance}, which
 * become headers), so Kafka Connect with Debezium can relay it instead of the embedded relay. A row is
 * deleted in the transaction that inserted it: the relay reads the inserts from PostgreSQL's
 * write-ahead log, not from the table, which so stays empty.
 */
@ApplicationScoped
public class TransactionalOutbox implements EventOutbox {

    /**
     * An event to commit to the outbox, with its envelope (the record's value) and the W3C trace
     * context it belongs to (null when tracing is off).
     */
    public record Outgoing(Event event, String envelope, String traceparent) {

        public Outgoing(Event event, String envelope) {
            this(event, envelope, null);
        }
    }

    /** What {@link #collect} ran: the work's result, and the events it emitted that cross, in emit order. */
    public record Collected<T>(T result, List<Outgoing> events) {
    }

    /** The aggregate type of every row: the events are about orders' chains, keyed by the chain's id. */
    static final String AGGREGATE_TYPE = "chain";

    private static final String INSERT = """
            insert into outbox (id, aggregatetype, aggregateid, type, payload, source, instance, traceparent)
            values (?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String DELETE = "delete from outbox where id = any(?)";
    private final String instance;
    /** The events being collected on this thread, if {@link #collect} runs on it. */
    private final ThreadLocal<List<Outgoing>> collecting = new ThreadLocal<>();
    /** The listener failures while {@link #collect} runs on this thread. */
    private final ThreadLocal<List<ListenerFailedException>> failures = new ThreadLocal<>();
    private final GroupCommit<Outgoing, Void> alone;
    private final EventTraces traces;

    TransactionalOutbox(AgroalDataSource dataSource, GroupCommitConfig batching, EventBus bus, EventTraces traces, BridgeConfig bridge) {
        this.instance = bridge.instanceId();
        this.traces = traces;
        bus.on(EventBus.ERROR, this::failedWhileCollecting);
        this.alone = new GroupCommit<>("outbox events", dataSource, Infrastructure.getDefaultWorkerPool(),
                batching, (connection, events) -> {
                    write(connection, events);
                    return Collections.nCopies(events.size(), null);
                });
    }

    /**
     * Runs {@code work} on this thread and collects, instead of committing them, the events that
     * cross which it emits — it, and the synchronous listeners its emits run. Local listeners run
     * as usual, at the emit. The caller writes the collected events with {@link #write} in the
     * transaction of the state change they belong to.
     */
    public <T> Collected<T> collect(Supplier<T> work) {
        List<Outgoing> outer = collecting.get();
        List<ListenerFailedException> outerFailures = failures.get();
        List<Outgoing> events = new ArrayList<>(2);
        List<ListenerFailedException> failed = new ArrayList<>(0);
        collecting.set(events);
        failures.set(failed);
        try {
            T result = work.get();
            if (!failed.isEmpty()) {
                ListenerFailedException first = failed.get(0);
                failed.stream().skip(1).forEach(first::addSuppressed);
                throw first;
            }
            return new Collected<>(result, List.copyOf(events));
        } finally {
            restore(collecting, outer);
            restore(failures, outerFailures);
        }
    }

    private static <V> void restore(ThreadLocal<V> local, V outer) {
        if (outer == null) {
            local.remove();
        } else {
            local.set(outer);
        }
    }

    /** An {@code error} event: a listener failed; while {@link #collect} runs here, that fails the work. */
    private void failedWhileCollecting(Event error) {
        List<ListenerFailedException> failed = failures.get();
        if (failed != null) {
            Event event = error.arg(1, Event.class);
            failed.add(new ListenerFailedException(event, error.arg(0, Throwable.class)));
        }
    }

    @Override
    public CompletionStage<?> add(Event event, String envelope) {
        Outgoing outgoing = new Outgoing(event, envelope, traces.traceparent(event)); // here, where its cause or span is current
        List<Outgoing> collected = collecting.get();
        if (collected != null) {
            collected.add(outgoing);
            return null;
        }
        return alone.submit(outgoing);
    }

    /**
     * Writes {@code events} to the outbox on {@code connection}, in the caller's transaction (one
     * batch of inserts, then their delete): relayed once that transaction commits.
     */
    public void write(Connection connection, List<Outgoing> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (Outgoing outgoing : events) {
                Event event = outgoing.event();
                insert.setString(1, event.id());
                insert.setString(2, AGGREGATE_TYPE);
                insert.setString(3, event.correlationId());
                insert.setString(4, event.name());
                insert.setString(5, outgoing.envelope());
                insert.setString(6, event.source());
                insert.setString(7, instance);
                insert.setString(8, outgoing.traceparent());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
            delete.setArray(1, connection.createArrayOf("varchar", events.stream().map(o -> o.event().id()).toArray()));
            delete.executeUpdate();
        }
    }
}
