package dev.agentdojo.service.chain;

import dev.agentdojo.bus.Event;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the chain's events from the log as strictly as an HTTP request is read: as the record its
 * name says, then checked against the record's constraints (ids, amounts, currencies, text). An
 * event that fails is refused with an {@link InvalidEventException} — so it is never charged or
 * applied, and the bridge dead-letters it — and counted in
 * {@code agentdojo_events_rejected_total{reason}}.
 */
@ApplicationScoped
public class ChainEvents {

    private final Validator validator;
    private final MeterRegistry registry;

    public ChainEvents(Validator validator, MeterRegistry registry) {
        this.validator = validator;
        this.registry = registry;
    }

    /** The event as {@code type}, checked; throws {@link InvalidEventException} when it is not a valid one. */
    public <T extends Record & OrderEvent> T read(Event event, Class<T> type) {
        T read;
        try {
            read = event.as(type);
        } catch (IllegalArgumentException unreadable) {
            throw rejected(event, "unreadable", "its args cannot be read as " + type.getSimpleName());
        }
        Set<ConstraintViolation<T>> violations = validator.validate(read);
        if (!violations.isEmpty()) {
            throw rejected(event, "invalid", violations.stream()
                    .map(v -> v.getPropertyPath() + " " + v.getMessage()).sorted().collect(Collectors.joining(", ")));
        }
        return read;
    }

    /** Refuses an event for {@code reason} (counted), with what is wrong in {@code why}. */
    public InvalidEventException rejected(Event event, String reason, String why) {
        registry.counter("agentdojo.events.rejected", "reason", reason).increment();
        return new InvalidEventException(reason, "event " + event.id() + " ('" + event.name() + "') refused: " + why);
    }
}
