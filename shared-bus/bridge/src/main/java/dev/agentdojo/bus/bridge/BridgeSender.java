package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventNotSentException;
import dev.agentdojo.bus.EventOutbox;
import dev.agentdojo.bus.names.EventNames;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends on the events emitted here that cross to other services: those
 * {@code event-bus.bridge.include} matches and {@code event-bus.bridge.exclude} does not, written as
 * a JSON {@link Envelope} of at most {@code event-bus.bridge.max-record-size} bytes, handed to the
 * {@link EventOutbox} when there is one, else put on the outgoing channel at once. Every record it
 * puts there, at emit or for a relay, is keyed by the event's correlation id and carries the headers
 * that name its id, instance and source and continue its trace. See {@link EventBridge}, "Out".
 *
 * <p>It keeps nothing but its settings, fixed when it is made: any thread may send.
 */
final class BridgeSender {

    private final Emitter<String> out;
    private final List<String> include;
    private final List<String> exclude;
    private final int maxRecordSize;
    /** Where crossing events go when the application has one; null: to the channel at emit. */
    private final EventOutbox outbox;
    private final BridgeMetrics metrics;
    private final EventTraces traces;
    private final String instanceId;
    /** The topic this service sends to (its own). */
    private final String topic;

    /** Refuses an include or exclude that is not a name or pattern, and a record size under 1024 bytes. */
    BridgeSender(BridgeConfig config, Emitter<String> out, EventOutbox outbox, BridgeMetrics metrics, EventTraces traces,
                 String topic) {
        this.out = out;
        this.include = List.copyOf(config.include());
        this.exclude = List.copyOf(config.exclude());
        include.forEach(EventNames::requireNameOrPattern);
        exclude.forEach(EventNames::requireNameOrPattern);
        this.maxRecordSize = config.maxRecordSize();
        if (maxRecordSize < 1024) {
            throw new IllegalArgumentException("event-bus.bridge.max-record-size must be at least 1024 bytes, was " + maxRecordSize);
        }
        this.outbox = outbox;
        this.metrics = metrics;
        this.traces = traces;
        this.instanceId = config.instanceId();
        this.topic = topic;
    }

    /** Whether events named {@code name} cross to other services. Called on every emit: no allocation. */
    boolean crosses(String name) {
        return matchesAny(include, name) && !matchesAny(exclude, name);
    }

    private static boolean matchesAny(List<String> patterns, String name) {
        for (int i = 0; i < patterns.size(); i++) {
            if (EventNames.matches(patterns.get(i), name)) {
                return true;
            }
        }
        return false;
    }

    /** The headers a record of {@code event} carries, whether sent at emit or relayed from an outbox. */
    Map<String, String> headers(Event event) {
        Map<String, String> headers = new HashMap<>(6);
        headers.put(EventBridge.EVENT_ID_HEADER, event.id());
        headers.put(EventBridge.INSTANCE_HEADER, instanceId);
        headers.put(EventBridge.SOURCE_HEADER, event.source());
        String traceparent = traces.traceparent(event);
        if (traceparent != null) {
            headers.put(EventTraces.TRACEPARENT, traceparent);
        }
        return headers;
    }

    /**
     * The bus's outbound hook: takes an emitted event that crosses, to the outbox or the channel;
     * null for one that does not cross. Throws, failing the emit, when its args cannot be JSON or
     * its envelope is too large.
     */
    CompletionStage<?> send(Event event) {
        if (!crosses(event.name())) {
            return null;
        }
        String json = Envelope.encode(event); // before anything else: args that cannot be JSON fail here
        if (json.length() > maxRecordSize / 3) { // a UTF-8 char takes at most 3 bytes: count only what may be too large
            int bytes = json.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxRecordSize) {
                throw new IllegalArgumentException("event '" + event.name() + "' must cross to other services, but it is "
                        + bytes + " bytes as JSON, more than event-bus.bridge.max-record-size (" + maxRecordSize + ")");
            }
        }
        if (outbox != null) {
            return outbox.add(event, json);
        }
        return publish(event.correlationId(), json, headers(event))
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(new EventNotSentException(event, EventBridge.unwrap(failure))));
    }

    /** Puts a record on the outgoing channel; see {@link EventBridge#publish}. */
    CompletionStage<Void> publish(String key, String envelope, Map<String, String> headers) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        if (headers.containsKey(EventTraces.TRACEPARENT)) { // the send continues the event's trace; the record names the send
            headers = new HashMap<>(headers);
            Span sending = traces.startPublish(topic, headers);
            acknowledged.whenComplete((ok, failure) -> {
                if (failure != null) {
                    sending.setStatus(StatusCode.ERROR, failure.toString());
                }
                sending.end();
            });
        }
        RecordHeaders kafkaHeaders = new RecordHeaders();
        headers.forEach((name, value) -> kafkaHeaders.add(name, value.getBytes(StandardCharsets.UTF_8)));
        Message<String> message = Message.of(envelope, Metadata.of(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(key)
                        .withHeaders(kafkaHeaders)
                        .build()))
                .withAck(() -> {
                    acknowledged.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acknowledged.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            out.send(message);
            metrics.count("published");
        } catch (RuntimeException e) {
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }

    /** What it sends and how, as the bridge's start-up line says it. */
    @Override
    public String toString() {
        return "sends " + include + " except " + exclude + " " + (outbox == null ? "at emit" : "through its transactional outbox");
    }
}
