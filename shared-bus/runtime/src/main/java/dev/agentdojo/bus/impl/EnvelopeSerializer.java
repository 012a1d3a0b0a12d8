package dev.agentdojo.bus.impl;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;

/**
 * The bridge's value serializer: UTF-8 JSON as {@link StringSerializer} writes it, and the last gate
 * of an event's deadline. Kafka calls it when a record is about to enter the producer; an event whose
 * deadline no longer leaves the producer time to settle it is refused here (the send fails, nothing
 * reaches the log), also when the connector retries a send. The bridge names the event in a record
 * header ({@value #EVENT_ID_HEADER}), which stays on the record: a consumer may read the id there
 * without parsing the envelope. A record without that header passes unchecked.
 */
@RegisterForReflection // made by the Kafka producer from its class name, also in a native image
public class EnvelopeSerializer extends StringSerializer {

    /** The record header that carries the id of the event it holds, from the bridge to this serializer. */
    public static final String EVENT_ID_HEADER = "agent-dojo-event-id";

    @Override
    public byte[] serialize(String topic, Headers headers, String data) {
        Header id = headers == null ? null : headers.lastHeader(EVENT_ID_HEADER);
        if (id != null) {
            String eventId = new String(id.value(), StandardCharsets.UTF_8);
            if (!Outbox.admit(eventId)) {
                throw new SerializationException("event " + eventId + " is past its deadline, or settled: not sent");
            }
        }
        return serialize(topic, data);
    }
}
