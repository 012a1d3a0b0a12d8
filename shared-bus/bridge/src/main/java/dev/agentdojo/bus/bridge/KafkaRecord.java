package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.Event;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A record read from the topic: acknowledged through its message, and set aside by recording it in
 * the {@link DeadLetterStore} and then handing it to the channel's failure strategy (the
 * dead-letter topic on Kafka).
 */
final class KafkaRecord implements Received {

    private final Message<String> message;
    private final DeadLetterStore store;
    private final IncomingKafkaRecordMetadata<String, String> kafka;

    @SuppressWarnings("unchecked")
    KafkaRecord(Message<String> message, DeadLetterStore store) {
        this.message = message;
        this.store = store;
        this.kafka = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
    }

    @Override
    public String payload() {
        return message.getPayload();
    }

    @Override
    public String topic() {
        return kafka == null ? null : kafka.getTopic();
    }

    @Override
    public String where() {
        return kafka == null ? "?" : kafka.getTopic() + "-" + kafka.getPartition() + "@" + kafka.getOffset();
    }

    @Override
    public boolean sentBy(byte[] source) {
        return header(EventBridge.SOURCE_HEADER).map(header -> Arrays.equals(header.value(), source)).orElse(false);
    }

    @Override
    public Map<String, String> traceHeaders() {
        return header(EventTraces.TRACEPARENT)
                .map(header -> Map.of(EventTraces.TRACEPARENT, new String(header.value(), StandardCharsets.UTF_8)))
                .orElse(Map.of());
    }

    @Override
    public CompletionStage<Void> acknowledge() {
        return message.ack();
    }

    @Override
    public CompletionStage<Void> setAside(String reason, Throwable why) {
        Event event;
        try {
            event = Envelope.decode(message.getPayload());
        } catch (IllegalArgumentException notAnEvent) {
            event = null;
        }
        DeadLetter letter = new DeadLetter(reason, why, topic(), kafka == null ? null : kafka.getPartition(),
                kafka == null ? null : kafka.getOffset(), message.getPayload(), event);
        return store.record(letter).thenCompose(recorded -> message.nack(why));
    }

    private Optional<Header> header(String name) {
        return kafka == null ? Optional.empty() : Optional.ofNullable(kafka.getHeaders().lastHeader(name));
    }
}
