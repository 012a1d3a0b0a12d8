package dev.agentdojo.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentdojo.kafka.LocalKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the event topics as they are, the ground truth of what both services announced: as the
 * broker's {@code observer}, who may read every topic and write none.
 */
final class EventLog {

    /** order-service's events: only it may write them. */
    static final String ORDERS = "agent-dojo.orders";
    /** payment-service's events: only it may write them. */
    static final String PAYMENTS = "agent-dojo.payments";
    static final String DEAD_LETTERS = "agent-dojo.events.dlq";
    static final String OBSERVER = "observer";

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventLog() {
    }

    /** A producer logged in as {@code principal}: what it may write is what the broker lets it. */
    static KafkaProducer<String, String> producer(LocalKafka kafka, String principal) {
        Map<String, Object> config = kafka.clientConfig(principal);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        // as kcat writes: an idempotent producer would be refused at start, for every topic at once, by
        // a principal that may write none (the observer); this one is refused per topic
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return new KafkaProducer<>(config);
    }

    /**
     * How many payment outcomes ({@code order:confirmed}, {@code payment:failed}) each order has on
     * the topic: distinct events, by id (the relay delivers at least once, so one event may be on
     * the topic twice; two outcomes of one order would be two ids).
     */
    static Map<String, Long> outcomesPerOrder(LocalKafka kafka) {
        return readTopic(kafka, PAYMENTS).stream() // outcomes are payment-service's: its topic alone
                .filter(e -> e.path("source").asText().equals("payment-service"))
                .filter(e -> List.of("order:confirmed", "payment:failed").contains(e.path("name").asText()))
                .collect(Collectors.groupingBy(e -> e.path("args").get(0).asText(),
                        Collectors.mapping(e -> e.path("id").asText(), Collectors.collectingAndThen(Collectors.toSet(), ids -> (long) ids.size()))));
    }

    /**
     * The events on the topic that come before their cause (each event's first copy against its
     * cause's first copy; one chain's events share a partition, read here in order): none, when the
     * relays keep each order's events in order. Among the events of {@code orders} only.
     */
    static List<String> effectsBeforeTheirCauses(LocalKafka kafka, java.util.Collection<String> orders) {
        List<String> early = new ArrayList<>();
        for (String topic : List.of(ORDERS, PAYMENTS)) { // a cause on another topic was read before its effect was made
            early.addAll(effectsBeforeTheirCauses(readTopic(kafka, topic).stream()
                    .filter(e -> orders.contains(e.path("args").path(0).asText())).toList()));
        }
        return early;
    }

    private static List<String> effectsBeforeTheirCauses(List<JsonNode> events) {
        Map<String, Integer> firstAt = new java.util.HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            firstAt.putIfAbsent(events.get(i).path("id").asText(), i);
        }
        List<String> early = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            Integer cause = firstAt.get(event.path("causationId").asText());
            if (cause != null && cause > firstAt.get(event.path("id").asText())) {
                early.add(event.path("name").asText() + " " + event.path("id").asText());
            }
        }
        return early;
    }

    /** The records on the dead-letter topic: each one's value, with its dead-letter-reason header. */
    static Map<String, String> deadLettered(LocalKafka kafka) {
        Map<String, String> reasons = new java.util.LinkedHashMap<>();
        read(kafka, DEAD_LETTERS, record -> {
            var reason = record.headers().lastHeader("dead-letter-reason");
            reasons.put(record.value(), reason == null ? null : new String(reason.value(), java.nio.charset.StandardCharsets.UTF_8));
        });
        return reasons;
    }

    /** The orders whose payment was asked for ({@code payment:process} on the topic), by order id, with their customer. */
    static Map<String, String> paymentsAskedFor(LocalKafka kafka) {
        List<JsonNode> events = readAll(kafka);
        Map<String, String> customers = events.stream()
                .filter(e -> e.path("name").asText().equals("order:created"))
                .collect(Collectors.toMap(e -> e.path("args").get(0).asText(), e -> e.path("args").get(1).asText(), (a, b) -> a));
        return events.stream()
                .filter(e -> e.path("name").asText().equals("payment:process"))
                .map(e -> e.path("args").get(0).asText())
                .distinct()
                .collect(Collectors.toMap(Function.identity(), id -> customers.getOrDefault(id, "")));
    }

    /** When each copy of each event on {@code topic} was sent (the records' timestamps, ms), by event id. */
    static Map<String, List<Long>> sendTimes(LocalKafka kafka, String topic) {
        Map<String, List<Long>> times = new java.util.HashMap<>();
        read(kafka, topic, record -> {
            var id = record.headers().lastHeader("agent-dojo-event-id");
            if (id != null) {
                times.computeIfAbsent(new String(id.value(), java.nio.charset.StandardCharsets.UTF_8), k -> new ArrayList<>())
                        .add(record.timestamp());
            }
        });
        return times;
    }

    /** One record of a topic, as a consumer reading committed records sees it. */
    record Copy(int partition, long offset, String eventId, String relayedBy, JsonNode envelope) {
    }

    /** Every record of {@code topic} that carries an event, partition by partition, each in offset order. */
    static List<Copy> copies(LocalKafka kafka, String topic) {
        List<Copy> copies = new ArrayList<>();
        read(kafka, topic, record -> {
            var id = record.headers().lastHeader("agent-dojo-event-id");
            var relay = record.headers().lastHeader("agent-dojo-relay");
            try {
                copies.add(new Copy(record.partition(), record.offset(),
                        id == null ? null : new String(id.value(), java.nio.charset.StandardCharsets.UTF_8),
                        relay == null ? null : new String(relay.value(), java.nio.charset.StandardCharsets.UTF_8),
                        JSON.readTree(record.value())));
            } catch (IOException notAnEnvelope) {
                // a garbage record some test put there on purpose
            }
        });
        return copies;
    }

    /** Every envelope on both services' topics, order-service's first, each in order, parsed. */
    static List<JsonNode> readAll(LocalKafka kafka) {
        List<JsonNode> events = new ArrayList<>(readTopic(kafka, ORDERS));
        events.addAll(readTopic(kafka, PAYMENTS));
        return events;
    }

    private static List<JsonNode> readTopic(LocalKafka kafka, String topic) {
        List<JsonNode> events = new ArrayList<>();
        read(kafka, topic, record -> {
            try {
                events.add(JSON.readTree(record.value()));
            } catch (IOException notAnEnvelope) {
                // a garbage record some test put there on purpose
            }
        });
        return events;
    }

    /** Hands every record of {@code topic} to {@code each}, partition by partition. */
    private static void read(LocalKafka kafka, String topic, java.util.function.Consumer<ConsumerRecord<String, String>> each) {
        Properties props = new Properties();
        props.putAll(kafka.clientConfig(OBSERVER));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // what the relays commit, never what a fenced one left
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    each.accept(record);
                }
            }
        }
    }
}
