package dev.agentdojo.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A side's consumer, as the bridge consumes: the service's group and login, {@code read_committed},
 * at most {@value #CONCURRENCY} records being handled at once (the bridge's
 * {@code event-bus.bridge.concurrency}; beyond it the partitions are paused), offsets committed
 * every {@value #COMMIT_EVERY_MS} ms up to the oldest record not handled yet (the connector's
 * throttled strategy, at Kafka's {@code auto.commit.interval.ms}). Once {@linkplain #start started}, each record's
 * envelope is read as JSON and handed to {@code handler} on the consumer's thread, which must call
 * {@link FloorOffsets#handled} once the record's work committed. Starts at the topic's end: what an
 * earlier run left there is not the floor's.
 */
final class FloorConsumer {

    /** Handles a received event: its record (for its offset and timestamp) and its envelope. */
    @FunctionalInterface
    interface Handler {
        void handle(ConsumerRecord<String, String> record, JsonNode envelope);
    }

    static final int CONCURRENCY = 256;
    static final long COMMIT_EVERY_MS = 5_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration PAUSED_POLL = Duration.ofMillis(5);

    private final FloorOffsets offsets = new FloorOffsets();
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final Thread thread;

    FloorConsumer(Properties login, String group, String topic, Handler handler) {
        Properties settings = new Properties();
        settings.putAll(login);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        settings.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        this.thread = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        partitions.forEach(offsets::forget);
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        if (assigned.getCount() > 0) {
                            consumer.seekToEnd(partitions);
                            partitions.forEach(consumer::position);
                            assigned.countDown();
                        }
                    }
                });
                long lastCommit = System.currentTimeMillis();
                boolean paused = false;
                while (true) {
                    // paused, it polls often, so that it resumes as soon as the work in flight allows
                    for (ConsumerRecord<String, String> record : consumer.poll(paused ? PAUSED_POLL : POLL)) {
                        offsets.received(new TopicPartition(record.topic(), record.partition()), record.offset());
                        handler.handle(record, read(record.value()));
                    }
                    boolean full = offsets.inFlight() >= CONCURRENCY;
                    if (full != paused) {
                        if (full) {
                            consumer.pause(consumer.assignment());
                        } else {
                            consumer.resume(consumer.assignment());
                        }
                        paused = full;
                    }
                    if (System.currentTimeMillis() - lastCommit >= COMMIT_EVERY_MS) {
                        consumer.commitAsync(offsets.committable(), null);
                        lastCommit = System.currentTimeMillis();
                    }
                }
            } catch (RuntimeException e) {
                System.err.println("The floor's consumer of " + topic + " failed: " + e);
                e.printStackTrace();
                System.exit(1);
            }
        }, "floor-consumer");
        thread.setDaemon(true);
    }

    /** Starts consuming, and waits until the consumer holds its partitions, positioned at their end. */
    void start() throws InterruptedException {
        thread.start();
        if (!assigned.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the floor's consumer was not assigned partitions in 120 s");
        }
    }

    /** Where the handler marks a record handled. */
    FloorOffsets offsets() {
        return offsets;
    }

    private static JsonNode read(String envelope) {
        try {
            return JSON.readTree(envelope);
        } catch (IOException e) {
            throw new UncheckedIOException("not an event envelope: " + envelope, e);
        }
    }
}
