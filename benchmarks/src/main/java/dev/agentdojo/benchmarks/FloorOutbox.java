package dev.agentdojo.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The outbox's rows, as the services' {@code TransactionalOutbox} writes them: each event inserted
 * into {@code outbox} and the batch's rows deleted again, in the caller's transaction. Nothing reads
 * them back here (the floor sends its events itself once committed), but the chain's promise — an
 * event committed with the state change that caused it — is what those rows are, so the floor
 * writes them too.
 */
final class FloorOutbox {

    private static final String INSERT = """
            insert into outbox (id, aggregatetype, aggregateid, type, payload, source, instance, traceparent)
            values (?, 'chain', ?, ?, ?, ?, ?, null)""";
    private static final String DELETE = "delete from outbox where id = any(?)";

    private FloorOutbox() {
    }

    static void write(Connection connection, List<FloorTopic.Outgoing> events, String source) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (FloorTopic.Outgoing event : events) {
                insert.setString(1, event.id());
                insert.setString(2, event.key());
                insert.setString(3, event.name());
                insert.setString(4, event.envelope());
                insert.setString(5, source);
                insert.setString(6, source + "-floor");
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
            delete.setArray(1, connection.createArrayOf("varchar", events.stream().map(FloorTopic.Outgoing::id).toArray()));
            delete.executeUpdate();
        }
    }
}
