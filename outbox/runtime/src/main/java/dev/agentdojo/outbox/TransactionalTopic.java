package dev.agentdojo.outbox;

import dev.agentdojo.bus.bridge.EventTraces;
import io.micrometer.core.instrument.Counter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.source.SourceRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The service's topic, written by the relay in Kafka transactions, one per batch, with the
 * service's relay's {@code transactional.id}. The broker fences: opening one
 * ({@code initTransactions}) ends every older producer of the same id — a relay that lost its lease,
 * frozen with records in its buffers or retrying them, can no longer add a record to the topic, and
 * its open transaction is aborted, so consumers reading {@code read_committed} never see what it
 * had not committed. A batch is all or nothing: after a refusal it is sent again whole, in order.
 *
 * <p>Not thread-safe: the relay's engine thread sends; {@link #close} may come from the relay's thread.
 */
final class TransactionalTopic implements RelayOutput {

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final EventTraces traces;
    private final String transactionalId;
    /** This instance's id ({@link OutboxRelay#RELAY_HEADER}): who relayed a record, for an operator reading the topic. */
    private final byte[] relayedBy;
    /** {@code agentdojo.bridge.published}: the events this service put on its topic. */
    private final Counter published;
    /** Set when the producer cannot go on (it could not abort): the relay opens a new one. */
    private boolean broken;

    /**
     * Opens the topic for this relay, fencing any older one ({@code initTransactions}).
     *
     * @param kafka           the service's Kafka client settings (address, login)
     * @param transactionalId the relay's transactional id: the same for every instance of the service
     * @param instance        this instance's id, named by each record it relays
     * @param timeout         how long a transaction may stay open before the broker aborts it, and a
     *                        record may take to be delivered
     * @param blockFor        how long one call may wait for the broker (the lease is renewed meanwhile elsewhere)
     * @param published       counts the events put on the topic
     * @throws KafkaException when the broker does not answer in time, or refuses the id
     */
    TransactionalTopic(Map<String, Object> kafka, String topic, String transactionalId, String instance, Duration timeout,
                       Duration blockFor, EventTraces traces, Counter published) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        settings.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) timeout.toMillis());
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, blockFor.toMillis());
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis() / 2, 30_000));
        this.producer = new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
        this.topic = topic;
        this.traces = traces;
        this.transactionalId = transactionalId;
        this.published = published;
        this.relayedBy = instance.getBytes(StandardCharsets.UTF_8);
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    @Override
    public void send(List<SourceRecord> batch) throws Deposed, NotTaken, InterruptedException {
        List<Span> spans = new ArrayList<>(0);
        Throwable failure = null;
        try {
            producer.beginTransaction();
            List<Future<?>> sent = new ArrayList<>(batch.size());
            for (SourceRecord record : batch) {
                Map<String, String> headers = RelayOutput.headers(record);
                if (headers.containsKey(EventTraces.TRACEPARENT)) { // the send continues the event's trace; the record names the send
                    spans.add(traces.startPublish(topic, headers));
                }
                RecordHeaders kafkaHeaders = new RecordHeaders();
                headers.forEach((name, value) -> kafkaHeaders.add(name, value.getBytes(StandardCharsets.UTF_8)));
                kafkaHeaders.add(OutboxRelay.RELAY_HEADER, relayedBy);
                sent.add(producer.send(new ProducerRecord<>(topic, null, String.valueOf(record.key()), (String) record.value(), kafkaHeaders)));
            }
            commit();
            for (Future<?> each : sent) {
                each.get(); // all done by now: a failure here was the commit's
            }
            published.increment(batch.size());
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            failure = e;
            throw deposed(e);
        } catch (ExecutionException e) {
            failure = e.getCause();
            throw notTaken(e.getCause());
        } catch (KafkaException e) {
            failure = e;
            Throwable cause = sendFailure(e);
            if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException) {
                throw deposed(cause);
            }
            if (abort(e)) {
                throw deposed(e);
            }
            throw notTaken(cause);
        } finally {
            for (Span span : spans) {
                if (failure != null) {
                    span.setStatus(StatusCode.ERROR, failure.toString());
                }
                span.end();
            }
        }
    }

    /**
     * Commits the transaction (flushing it; it fails when a send failed). A commit not answered in
     * time may still complete, so it is asked again, never aborted; closing the producer (the relay
     * lost its lease) ends the wait.
     */
    private void commit() {
        while (true) {
            try {
                producer.commitTransaction();
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException notYet) {
                // asked again: the broker is away or slow, and the commit may be on its way
            }
        }
    }

    private Deposed deposed(Throwable cause) {
        return new Deposed("the broker fenced this relay's producer (transactional id " + transactionalId
                + "): another instance relays now", cause);
    }

    /** Refused: the broker said no for good (an ACL, a record too large); else it may take it later. */
    private static NotTaken notTaken(Throwable cause) {
        boolean refused = !(cause instanceof RetriableException) && !(cause instanceof org.apache.kafka.common.errors.TimeoutException)
                || cause instanceof AuthorizationException || cause instanceof AuthenticationException;
        return new NotTaken(refused, cause);
    }

    /** The reason a send failed, where the commit only says that one did. */
    private static Throwable sendFailure(KafkaException e) {
        Throwable deepest = e;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            deepest = t;
            if (t instanceof AuthorizationException || t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
                return t;
            }
        }
        return deepest;
    }

    /** Aborts the transaction; true when the broker says a newer relay fenced this one meanwhile. */
    private boolean abort(KafkaException failure) {
        try {
            producer.abortTransaction();
            return false;
        } catch (ProducerFencedException | InvalidProducerEpochException fenced) {
            failure.addSuppressed(fenced);
            return true;
        } catch (KafkaException cannotAbort) { // a fatal state, or the broker away: the relay opens a new producer
            failure.addSuppressed(cannotAbort);
            broken = true;
            return false;
        }
    }

    /** Whether this output can send again; false once its producer is in a state it cannot leave. */
    @Override
    public boolean usable() {
        return !broken;
    }

    /** Closes the producer at once (what it had not sent is dropped), also on a thread being interrupted (the application stops). */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        try {
            producer.close(Duration.ZERO);
        } catch (KafkaException e) {
            // closing anyway
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
