package dev.agentdojo.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads the event topic as it is, the ground truth of what both services announced. */
final class EventLog {

    static final String TOPIC = "agent-dojo.events";
    static final String DEAD_LETTERS = "agent-dojo.events.dlq";

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventLog() {
    }

    /**
     * How many payment outcomes ({@code order:confirmed}, {@code payment:failed}) each order has on
     * the topic: distinct events, by id (the relay delivers at least once, so one event may be on
     * the topic twice; two outcomes of one order would be two ids).
     */
    static Map<String, Long> outcomesPerOrder(String bootstrapServers) {
        return readAll(bootstrapServers).stream()
                .filter(e -> e.path("source").asText().equals("payment-service"))
                .filter(e -> List.of("order:confirmed", "payment:failed").contains(e.path("name").asText()))
                .collect(Collectors.groupingBy(e -> e.path("args").get(0).asText(),
                        Collectors.mapping(e -> e.path("id").asText(), Collectors.collectingAndThen(Collectors.toSet(), ids -> (long) ids.size()))));
    }

    /**
     * The events on the topic that come before their cause (each event's first copy against its
     * cause's first copy; one chain's events share a partition, read here in order): none, when the
     * relays keep each order's events in order.
     */
    static List<String> effectsBeforeTheirCauses(String bootstrapServers) {
        Map<String, Integer> firstAt = new java.util.HashMap<>();
        List<JsonNode> events = readAll(bootstrapServers);
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
    static Map<String, String> deadLettered(String bootstrapServers) {
        Map<String, String> reasons = new java.util.LinkedHashMap<>();
        read(bootstrapServers, DEAD_LETTERS, record -> {
            var reason = record.headers().lastHeader("dead-letter-reason");
            reasons.put(record.value(), reason == null ? null : new String(reason.value(), java.nio.charset.StandardCharsets.UTF_8));
        });
        return reasons;
    }

    /** The orders whose payment was asked for ({@code payment:process} on the topic), by order id, with their customer. */
    static Map<String, String> paymentsAskedFor(String bootstrapServers) {
        List<JsonNode> events = readAll(bootstrapServers);
        Map<String, String> customers = events.stream()
                .filter(e -> e.path("name").asText().equals("order:created"))
                .collect(Collectors.toMap(e -> e.path("args").get(0).asText(), e -> e.path("args").get(1).asText(), (a, b) -> a));
        return events.stream()
                .filter(e -> e.path("name").asText().equals("payment:process"))
                .map(e -> e.path("args").get(0).asText())
                .distinct()
                .collect(Collectors.toMap(Function.identity(), id -> customers.getOrDefault(id, "")));
    }

    /** Every envelope on the topic, in order, parsed. */
    static List<JsonNode> readAll(String bootstrapServers) {
        List<JsonNode> events = new ArrayList<>();
        read(bootstrapServers, TOPIC, record -> {
            try {
                events.add(JSON.readTree(record.value()));
            } catch (IOException notAnEnvelope) {
                // a garbage record some test put there on purpose
            }
        });
        return events;
    }

    /** Hands every record of {@code topic} to {@code each}, partition by partition. */
    private static void read(String bootstrapServers, String topic, java.util.function.Consumer<ConsumerRecord<String, String>> each) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
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
