package dev.agentdojo.benchmarks;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * A side's topic, written as the services' outbox relay writes it: one Kafka transaction per batch
 * of committed events under the relay's transactional id, {@code acks=all}, idempotent,
 * {@code linger.ms=1}, each record keyed by its chain's id and with the relay's headers. A batch is
 * whatever was handed in while the previous transaction was being committed (the relay's is what
 * Debezium read in its poll interval). One thread of its own sends; a failure ends the program.
 */
final class FloorTopic {

    /** An event to put on the topic once its transaction committed. */
    record Outgoing(String id, String name, String key, String envelope) {
    }

    private final LinkedBlockingQueue<Outgoing> queue = new LinkedBlockingQueue<>();
    private final LongAdder transactions = new LongAdder();

    /**
     * @param login    the side's Kafka client properties (the service's login)
     * @param source   the service whose events these are ({@code agent-dojo-source})
     */
    FloorTopic(Properties login, String topic, String transactionalId, String source) {
        Properties settings = new Properties();
        settings.putAll(login);
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        KafkaProducer<String, String> producer = new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
        producer.initTransactions();
        byte[] sourceHeader = source.getBytes(StandardCharsets.UTF_8);
        byte[] instance = (source + "-floor").getBytes(StandardCharsets.UTF_8);
        Thread thread = new Thread(() -> {
            List<Outgoing> batch = new ArrayList<>();
            try {
                while (true) {
                    batch.add(queue.take());
                    queue.drainTo(batch);
                    producer.beginTransaction();
                    for (Outgoing event : batch) {
                        RecordHeaders headers = new RecordHeaders();
                        byte[] id = event.id().getBytes(StandardCharsets.UTF_8);
                        headers.add("id", id);
                        headers.add("agent-dojo-event-id", id);
                        headers.add("agent-dojo-source", sourceHeader);
                        headers.add("agent-dojo-instance", instance);
                        headers.add("agent-dojo-relay", instance);
                        producer.send(new ProducerRecord<>(topic, null, event.key(), event.envelope(), headers));
                    }
                    producer.commitTransaction();
                    transactions.increment();
                    batch.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                System.err.println("The floor's relay to " + topic + " failed: " + e);
                e.printStackTrace();
                System.exit(1);
            }
        }, "floor-relay");
        thread.setDaemon(true);
        thread.start();
    }

    /** Events whose transaction committed, in commit order: sent in the next Kafka transaction. */
    void send(List<Outgoing> events) {
        queue.addAll(events);
    }

    /** How many Kafka transactions were committed so far. */
    long transactions() {
        return transactions.sum();
    }
}
