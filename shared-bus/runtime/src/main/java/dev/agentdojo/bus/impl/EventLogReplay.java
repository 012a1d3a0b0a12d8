package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.ReplayedEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Reads the whole event topic, from its first record to the end it had when the read began, and
 * hands each valid envelope to a callback. Uses its own consumer with no group, so it neither
 * commits nor disturbs the service's consumer group. Blocking; for start-up only.
 */
final class EventLogReplay {

    private static final Logger LOG = Logger.getLogger(EventLogReplay.class);

    private final String bootstrapServers;
    private final String topic;
    private final Duration timeout;

    EventLogReplay(String bootstrapServers, String topic, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.timeout = timeout;
    }

    /**
     * Replays every event on the topic into {@code sink}, oldest first per partition.
     *
     * @return how many events were replayed
     * @throws IllegalStateException if the broker does not answer within the timeout
     */
    long replay(Consumer<ReplayedEvent> sink) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "agent-dojo-replay");
        Instant deadline = Instant.now().plus(timeout);
        long count = 0;
        long skipped = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            if (partitions == null || partitions.isEmpty()) {
                LOG.infof("Replay: topic %s is empty or does not exist yet; nothing to rebuild", topic);
                return 0;
            }
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, timeout);
            while (!reached(consumer, end)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("replay of topic " + topic + " did not finish within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() >= end.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L)) {
                        continue;
                    }
                    Event event;
                    try {
                        event = Envelope.decode(record.value());
                    } catch (IllegalArgumentException e) {
                        skipped++;
                        continue;
                    }
                    sink.accept(new ReplayedEvent(event));
                    count++;
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IllegalStateException("the broker at " + bootstrapServers + " did not answer within "
                    + timeout.toSeconds() + " s; cannot rebuild state from topic " + topic, e);
        }
        LOG.infof("Replay: rebuilt state from %d events of topic %s%s", count, topic,
                skipped > 0 ? " (" + skipped + " records that are not events skipped)" : "");
        return count;
    }

    private static boolean reached(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
