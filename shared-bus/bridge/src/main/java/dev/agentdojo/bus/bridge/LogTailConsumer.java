package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.LoggedEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The Kafka consumer a {@link LogTailReader} reads the chain's topics with: of no group, logged in
 * as the service, reading committed records only, assigned every partition of the topics, each from
 * where it was read up to, else from its latest {@code keep} records. Where each partition was read
 * up to outlives the consumer: after a failure it is closed, and the next one resumes there.
 *
 * <p>Not thread-safe: one poll at a time uses it (the reader's polls are ordered), except
 * {@link #wakeup}, which any thread may call.
 */
final class LogTailConsumer {

    private static final Logger LOG = Logger.getLogger(EventLogTail.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final Properties properties;
    private final List<String> topics;
    private final int keep;
    private final TopicOwners owners;
    /** Where each partition was read up to: resumed from after a reconnect. */
    private final Map<TopicPartition, Long> resumeAt = new HashMap<>();
    private KafkaConsumer<String, String> consumer;
    /** Where each partition ended when assigned: empty when no topic existed; null while not assigned. */
    private Map<TopicPartition, Long> ends;
    /** The open consumer, for {@link #wakeup} from another thread. */
    private volatile KafkaConsumer<String, String> current;

    LogTailConsumer(KafkaConfig kafka, IncomingChannelConfig incoming, String instance, List<String> topics, int keep,
                    TopicOwners owners) {
        this.properties = consumerProperties(kafka, incoming, instance);
        this.topics = topics;
        this.keep = keep;
        this.owners = owners;
    }

    /**
     * Opens the consumer if it is closed and assigns it the topics' partitions if it holds none;
     * answers whether it holds any. It holds none while no topic exists or the broker is away.
     */
    boolean assigned() {
        if (consumer == null) {
            consumer = new KafkaConsumer<>(properties);
            current = consumer;
            ends = assign();
        } else if (consumer.assignment().isEmpty()) {
            ends = assign();
        }
        return !consumer.assignment().isEmpty();
    }

    /**
     * Polls once: the events read that their topic's owner sends, each with its size on the log.
     * A record that is not such an event is left out: the bridge dead-letters it, and logs it.
     */
    List<LogTailReader.Sized> poll() {
        List<LogTailReader.Sized> batch = new ArrayList<>();
        for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
            try {
                Event event = Envelope.decode(record.value());
                if (owners.allows(record.topic(), event.name())) { // else dead-lettered by the bridge: not an event to show
                    batch.add(new LogTailReader.Sized(new LoggedEvent(event, instanceOf(record)), record.serializedValueSize()));
                }
            } catch (IllegalArgumentException notAnEvent) {
                // dead-lettered by the bridge, which logs it; not an event to show
            }
        }
        for (TopicPartition p : consumer.assignment()) {
            resumeAt.put(p, consumer.position(p));
        }
        return batch;
    }

    /**
     * Whether every partition has been read up to where it ended when it was assigned: what was on
     * the topics then is read whole. True when no topic existed (there was nothing to read); false
     * while not assigned (the broker away).
     */
    boolean caughtUp() {
        if (ends == null) {
            return false;
        }
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Makes a poll in flight throw {@link WakeupException}, so that the reader can stop; any thread may call it. */
    void wakeup() {
        KafkaConsumer<String, String> c = current;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Closes the consumer, if open; the next {@link #assigned} opens another, which resumes where this one read up to. */
    void close() {
        KafkaConsumer<String, String> c = consumer;
        consumer = null;
        current = null;
        ends = null;
        if (c != null) {
            try {
                c.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.debugf("The tail's consumer did not close cleanly: %s", e);
            }
        }
    }

    /**
     * Assigns every partition of the topics, each from where it was read up to, else from its latest
     * {@code keep} records; none while no topic exists or the broker is away. Answers where each
     * partition ended when assigned: empty when no topic exists, null when the broker is away.
     */
    private Map<TopicPartition, Long> assign() {
        List<TopicPartition> assigned = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> partitions;
            try {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            } catch (org.apache.kafka.common.errors.TimeoutException brokerAway) {
                return null;
            }
            if (partitions != null) {
                partitions.forEach(p -> assigned.add(new TopicPartition(topic, p.partition())));
            }
        }
        if (assigned.isEmpty()) {
            return Map.of();
        }
        consumer.assign(assigned);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(assigned);
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
        for (TopicPartition p : assigned) {
            Long resume = resumeAt.get(p);
            consumer.seek(p, resume != null ? Math.max(begin.get(p), resume) : Math.max(begin.get(p), end.get(p) - keep));
        }
        return end;
    }

    private static Properties consumerProperties(KafkaConfig kafka, IncomingChannelConfig incoming, String instance) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, incoming.bootstrapServers().or(kafka::bootstrapServers).orElse("localhost:9092"));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // what the relays commit, never what a fenced one left
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "agent-dojo-log-tail-" + instance);
        props.putAll(KafkaLogin.of(kafka, incoming));
        return props;
    }

    private static String instanceOf(ConsumerRecord<String, String> record) {
        Header header = record.headers().lastHeader(EventBridge.INSTANCE_HEADER);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
