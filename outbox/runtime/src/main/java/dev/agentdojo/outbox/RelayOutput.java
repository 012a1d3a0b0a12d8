package dev.agentdojo.outbox;

import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the {@link OutboxRelay} puts a batch of committed events: the service's topic. Used by the
 * relay's engine thread only, while this instance leads.
 */
interface RelayOutput extends AutoCloseable {

    /**
     * Puts {@code batch} (records of the outbox router: key, envelope, headers) on the topic, in
     * order; returns once the broker has all of them. When it fails, consumers see none of them
     * ({@link TransactionalTopic}) or only the ones the broker took.
     *
     * @throws Deposed    another relay took the topic over: this one must stop
     * @throws NotTaken   the broker did not take the batch now; it may later
     */
    void send(List<SourceRecord> batch) throws Deposed, NotTaken, InterruptedException;

    /** Whether {@link #send} may be called again; false when the relay must open a new output. */
    boolean usable();

    /** Ends this output; what it had not sent is dropped. */
    @Override
    void close();

    /** The broker fenced this relay: a newer one writes the topic (the broker says so, not a clock). */
    final class Deposed extends Exception {
        Deposed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The broker did not take a batch. {@code refused}: it answered no (an ACL, a size limit) — a
     * person must act; else it did not answer in time (away, or busy) and is waited for.
     */
    final class NotTaken extends Exception {
        private final boolean refused;

        NotTaken(boolean refused, Throwable cause) {
            super(cause.getMessage(), cause);
            this.refused = refused;
        }

        boolean refused() {
            return refused;
        }
    }

    /** A record's headers as text (the outbox router places the event's id, source, instance and trace there). */
    static Map<String, String> headers(SourceRecord record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            if (header.value() != null) {
                headers.put(header.key(), header.value().toString());
            }
        }
        return headers;
    }
}
