package dev.agentdojo.bus.impl;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.agentdojo.bus.Event;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.Collections;
import java.util.List;

/**
 * An event as it travels between services: JSON with the event's id, name, args, timestamp,
 * source, correlation and causation ids. Unknown fields are ignored, so a newer sender can add some.
 *
 * <pre>{@code
 * {"id":"019…","name":"order:created","args":[{"id":"o-1",…}],"timestamp":"2026-…Z",
 *  "source":"order-service","correlationId":"019…","causationId":null}
 * }</pre>
 */
@RegisterForReflection // read and written by Jackson, which a native image must be told about
record Envelope(String id, String name, List<Object> args, Instant timestamp, String source,
                String correlationId, String causationId) {

    /**
     * The event as JSON.
     *
     * @throws IllegalArgumentException if an argument cannot be written as JSON
     */
    static String encode(Event event) {
        Envelope envelope = new Envelope(event.id(), event.name(), event.args(), event.timestamp(), event.source(),
                event.correlationId(), event.causationId());
        try {
            return Json.mapper().writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event '" + event.name() + "' must cross to other services, but its args "
                    + "cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The event a JSON envelope describes.
     *
     * @throws IllegalArgumentException if it is not valid JSON or lacks what an event needs
     */
    static Event decode(String json) {
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException("empty message");
        }
        Envelope e;
        try {
            e = Json.mapper().readValue(json, Envelope.class);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("not an event envelope: " + ex.getOriginalMessage(), ex);
        }
        require(e.id() != null && !e.id().isBlank(), "it has no id");
        EventNames.requireEventName(e.name());
        require(e.timestamp() != null, "it has no timestamp");
        require(e.source() != null && !e.source().isBlank(), "it has no source");
        require(e.correlationId() != null && !e.correlationId().isBlank(), "it has no correlationId");
        List<Object> args = e.args() == null ? List.of() : Collections.unmodifiableList(e.args());
        return new Event(e.id(), e.name(), args, e.timestamp(), e.source(), e.correlationId(), e.causationId());
    }

    private static void require(boolean condition, String why) {
        if (!condition) {
            throw new IllegalArgumentException("not an event envelope: " + why);
        }
    }
}
