package dev.agentdojo.service.deadletters;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every statement on the tables {@code dead_letters} and {@code dead_letter_actions} (their shape:
 * {@code db/dead-letters}). Plain JDBC on the service's pool, each call on a connection of its own
 * (blocking: call them on worker threads). A letter changes state only through a conditional
 * update on its current state, so that two instances, or two clicks, never handle it both.
 */
@ApplicationScoped
public class DeadLetterRepository {

    /** The most of an envelope a list shows. */
    static final int LISTED_ENVELOPE = 16_384;
    private static final String LISTED_ENVELOPE_COLUMN = "case when length(envelope) <= " + LISTED_ENVELOPE
            + " then envelope else left(envelope, " + LISTED_ENVELOPE + ") || '…' end as envelope";
    private static final String COLUMNS = """
            id, event_id, event_name, order_id, correlation_id, source_topic, source_partition, source_offset, dead_lettered_at,
            reason, failure_class, failure, envelope, state, retries, resolved_by, resolved_at, resolution""";
    private static final String INSERT = """
            insert into dead_letters (id, event_id, event_name, order_id, correlation_id, source_topic, source_partition, source_offset,
                                      dead_lettered_at, reason, failure_class, failure, envelope)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (source_topic, source_partition, source_offset) where source_offset is not null do nothing""";
    private static final String CLAIM = """
            update dead_letters set state = 'RETRYING', claimed_by = ?, claimed_at = now(), retries = retries + 1
            where id = ? and (state = 'OPEN' or (state = 'RETRYING' and claimed_at < now() - ?::interval))""";
    private static final String RESOLVE = """
            update dead_letters set state = ?, resolved_by = ?, resolved_at = now(), resolution = ?, claimed_by = null, claimed_at = null
            where id = ? and state = ?""";
    private static final String RESOLVE_CLAIMED = """
            update dead_letters set state = 'RETRIED', resolved_by = ?, resolved_at = now(), resolution = ?, claimed_by = null, claimed_at = null
            where id = ? and state = 'RETRYING' and claimed_by = ?""";
    private static final String REOPEN = """
            update dead_letters set state = 'OPEN', reason = ?, failure_class = ?, failure = ?, claimed_by = null, claimed_at = null
            where id = ? and state = 'RETRYING' and claimed_by = ?""";
    private static final String ACTION = "insert into dead_letter_actions (letter_id, action, operator, acted_at, outcome) values (?, ?, ?, now(), ?)";
    private static final String ACTIONS = "select action, operator, acted_at, outcome from dead_letter_actions where letter_id = ? order by acted_at, id";

    private final AgroalDataSource dataSource;

    DeadLetterRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A letter to keep: what {@link #insert} writes. */
    public record NewLetter(String id, String eventId, String eventName, String orderId, String correlationId, String topic,
                            Integer partition, Long offset, Instant at, String reason, String failureClass, String failure,
                            String envelope) {
    }

    /** Keeps {@code letter}, unless its record (topic, partition, offset) is kept already: answers whether it was new. */
    public boolean insert(NewLetter letter) {
        return update(INSERT, letter.id(), letter.eventId(), letter.eventName(), letter.orderId(), letter.correlationId(), letter.topic(),
                letter.partition(), letter.offset(), Timestamp.from(letter.at()), letter.reason(), letter.failureClass(),
                letter.failure(), letter.envelope()) == 1;
    }

    /**
     * The newest letters first, at most {@code max}, without their actions, each envelope cut at
     * {@value #LISTED_ENVELOPE} characters (a record may be a megabyte): {@link #find} has it whole.
     */
    public List<StoredDeadLetter> newest(int max) {
        return query("select " + COLUMNS.replace("envelope,", LISTED_ENVELOPE_COLUMN + ",")
                + " from dead_letters order by dead_lettered_at desc, id limit ?", max);
    }

    /** The letters of the events of one order, oldest first. */
    public List<StoredDeadLetter> ofOrder(String orderId) {
        return query("select " + COLUMNS + " from dead_letters where order_id = ? order by dead_lettered_at, id", orderId);
    }

    /** One letter with what was done with it, or empty. */
    public Optional<StoredDeadLetter> find(String id) {
        List<StoredDeadLetter> found = query("select " + COLUMNS + " from dead_letters where id = ?", id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        List<StoredDeadLetter.Action> actions = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(ACTIONS)) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    actions.add(new StoredDeadLetter.Action(row.getString(1), row.getString(2), row.getTimestamp(3).toInstant(),
                            row.getString(4)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the actions of dead letter " + id + ": " + e.getMessage(), e);
        }
        return Optional.of(found.get(0).withActions(actions));
    }

    /**
     * Takes letter {@code id} to hand it to the listeners again, under {@code claim} (unique to this
     * retry): only if it is {@code OPEN}, or {@code RETRYING} for longer than {@code takenOverAfter}.
     * Answers whether this caller has it now; of two at once, one has.
     */
    public boolean claim(String id, String claim, Duration takenOverAfter) {
        return update(CLAIM, claim, id, takenOverAfter.toMillis() + " milliseconds") == 1;
    }

    /** Resolves letter {@code id} as {@code state} if it is in state {@code from}; answers whether it was. */
    public boolean resolve(String id, String from, String state, String by, String resolution) {
        return update(RESOLVE, state, by, bounded(resolution), id, from) == 1;
    }

    /** The retry that holds {@code claim} succeeded: letter {@code id} is RETRIED by {@code by}, unless taken over meanwhile. */
    public boolean retried(String id, String claim, String by, String resolution) {
        return update(RESOLVE_CLAIMED, by, bounded(resolution), id, claim) == 1;
    }

    /** The retry that holds {@code claim} was refused again: open again, with the new reason, unless taken over meanwhile. */
    public boolean reopen(String id, String claim, String reason, String failureClass, String failure) {
        return update(REOPEN, reason, bounded(failureClass), bounded(failure), id, claim) == 1;
    }

    /** Keeps what {@code operator} did with letter {@code id}, and what came of it. */
    public void act(String id, String action, String operator, String outcome) {
        update(ACTION, id, action, operator, bounded(outcome));
    }

    /** How many letters wait for a person, or are being retried. */
    public long unresolved() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement("select count(*) from dead_letters where state in ('OPEN', 'RETRYING')");
             ResultSet row = count.executeQuery()) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("could not count the dead letters: " + e.getMessage(), e);
        }
    }

    /** {@code text} cut to 2,000 characters, with no NUL (PostgreSQL's text holds none: U+FFFD instead). */
    static String bounded(String text) {
        if (text == null) {
            return null;
        }
        return DeadLetterRecorder.storable(text.length() <= 2000 ? text : text.substring(0, 1999) + "…");
    }

    private int update(String sql, Object... values) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, values);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("dead letters: " + e.getMessage(), e);
        }
    }

    private List<StoredDeadLetter> query(String sql, Object... values) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            bind(select, values);
            List<StoredDeadLetter> letters = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    letters.add(read(row));
                }
            }
            return letters;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the dead letters: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement statement, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                statement.setNull(i + 1, Types.NULL);
            } else {
                statement.setObject(i + 1, values[i]);
            }
        }
    }

    private static StoredDeadLetter read(ResultSet row) throws SQLException {
        Timestamp resolvedAt = row.getTimestamp("resolved_at");
        return new StoredDeadLetter(row.getString("id"), row.getString("event_id"), row.getString("event_name"),
                row.getString("order_id"), row.getString("correlation_id"), row.getString("source_topic"),
                (Integer) row.getObject("source_partition"), (Long) row.getObject("source_offset"),
                row.getTimestamp("dead_lettered_at").toInstant(), row.getString("reason"), row.getString("failure_class"),
                row.getString("failure"), row.getString("envelope"), row.getString("state"), row.getInt("retries"),
                row.getString("resolved_by"), resolvedAt == null ? null : resolvedAt.toInstant(), row.getString("resolution"), null);
    }
}
