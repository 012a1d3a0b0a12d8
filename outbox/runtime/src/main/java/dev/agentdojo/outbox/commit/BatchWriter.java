package dev.agentdojo.outbox.commit;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Writes a batch of a {@link GroupCommit} on {@code connection} (auto-commit off; committed by the caller). */
@FunctionalInterface
public interface BatchWriter<T, R> {

    /** @return one result per item, in the items' order */
    List<R> write(Connection connection, List<T> items) throws SQLException;
}
