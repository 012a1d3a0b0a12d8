package dev.agentdojo.bus.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.json.Json;
import dev.agentdojo.bus.names.EventNames;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An event as it travels between services: JSON with the event's id, name, args, timestamp,
 * source, correlation and causation ids. Unknown fields are ignored, so a newer sender can add some.
 * Ids and the source are checked on reading (bounded, no spaces or control characters), since they
 * go into log lines as they are.
 *
 * <pre>{@code
 * {"id":"019…","name":"order:created","args":[{"id":"o-1",…}],"timestamp":"2026-…Z",
 *  "source":"order-service","correlationId":"019…","causationId":null}
 * }</pre>
 */
@RegisterForReflection // read and written by Jackson, which a native image must be told about
record Envelope(String id, String name, List<Object> args, Instant timestamp, String source,
                String correlationId, String causationId) {

    /** What an id (of the event, its correlation, its cause) may be: these go into log lines, so no spaces or line breaks. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    /** What a source (an application's name) may be. */
    private static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9._-]{1,255}");

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
        require(e.id() != null && ID.matcher(e.id()).matches(), "its id is missing or not 1 to 64 letters, digits or - _ . :");
        EventNames.requireEventName(e.name());
        require(e.timestamp() != null, "it has no timestamp");
        require(e.source() != null && SOURCE.matcher(e.source()).matches(),
                "its source is missing or not 1 to 255 letters, digits or - _ .");
        require(e.correlationId() != null && ID.matcher(e.correlationId()).matches(),
                "its correlationId is missing or not 1 to 64 letters, digits or - _ . :");
        require(e.causationId() == null || ID.matcher(e.causationId()).matches(),
                "its causationId is not 1 to 64 letters, digits or - _ . :");
        List<Object> args = e.args() == null ? List.of() : Collections.unmodifiableList(e.args());
        return new Event(e.id(), e.name(), args, e.timestamp(), e.source(), e.correlationId(), e.causationId());
    }

    private static void require(boolean condition, String why) {
        if (!condition) {
            throw new IllegalArgumentException("not an event envelope: " + why);
        }
    }
}
