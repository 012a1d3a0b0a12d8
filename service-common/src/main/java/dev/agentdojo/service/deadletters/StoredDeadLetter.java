package dev.agentdojo.service.deadletters;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.agentdojo.bus.json.Json;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;

/**
 * A dead letter as {@code GET /dead-letters} shows it: the event it carried, where it was read,
 * why it was set aside, and what was done with it since.
 *
 * @param id           the letter's id ({@code POST /dead-letters/{id}/retry})
 * @param eventId      the event's id; null when the record was no event envelope
 * @param orderId      the order it belongs to (a chain event's first arg); null when it names none
 * @param topic        the topic it was read from, with its {@code partition} and {@code offset}
 * @param reason       why, in one word: {@code failed}, {@code invalid}, {@code not-owners}, or the
 *                     chain's own ({@code mismatch}, {@code foreign}, {@code unreadable}) as counted in
 *                     {@code agentdojo_events_rejected_total}
 * @param failureClass the failure's class, {@code failure} its message
 * @param envelope     the record's value as it was read (shown as {@link #envelopeJson})
 * @param state        {@code OPEN}, {@code RETRYING}, {@code RETRIED} or {@code DISCARDED}
 * @param actions      who retried or discarded it, when, and what came of it, oldest first
 */
@RegisterForReflection(targets = {StoredDeadLetter.class, StoredDeadLetter.Action.class})
public record StoredDeadLetter(String id, String eventId, String eventName, String orderId, String correlationId, String topic,
                               Integer partition, Long offset, Instant deadLetteredAt, String reason, String failureClass,
                               String failure, @JsonIgnore String envelope, String state, int retries, String resolvedBy,
                               Instant resolvedAt, String resolution, List<Action> actions) {

    /** The record's value: the event envelope as JSON, or a JSON string when it was not JSON. */
    @JsonProperty("envelope")
    public JsonNode envelopeJson() {
        try {
            return Json.mapper().readTree(envelope);
        } catch (JsonProcessingException notJson) {
            return TextNode.valueOf(envelope);
        }
    }

    /** Whether nothing is to be done with it any more. */
    @JsonIgnore
    public boolean resolved() {
        return "RETRIED".equals(state) || "DISCARDED".equals(state);
    }

    /** One thing done with a letter. */
    public record Action(String action, String operator, Instant at, String outcome) {
    }

    StoredDeadLetter withActions(List<Action> all) {
        return new StoredDeadLetter(id, eventId, eventName, orderId, correlationId, topic, partition, offset, deadLetteredAt, reason,
                failureClass, failure, envelope, state, retries, resolvedBy, resolvedAt, resolution, all);
    }
}
