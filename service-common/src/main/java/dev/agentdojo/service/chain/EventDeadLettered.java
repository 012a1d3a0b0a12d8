package dev.agentdojo.service.chain;

import dev.agentdojo.bus.EventName;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * An event of the order's chain was dead-lettered by the service that emits this: it is set aside,
 * for a person to see, retry or discard ({@code /dead-letters} on that service's management port).
 * Caused by the event set aside, so that the order's chain shows it where it happened. Args:
 * {@code (orderId, eventId, eventName, reason)}.
 */
@EventName(EventDeadLettered.NAME)
public record EventDeadLettered(
        @NotNull @Pattern(regexp = ChainRules.ID, message = ChainRules.ID_MESSAGE) String orderId,
        @NotNull @Pattern(regexp = ChainRules.ID, message = ChainRules.ID_MESSAGE) String eventId,
        @NotNull @Pattern(regexp = "[a-z0-9*._:-]{1,255}", message = "must be an event name") String eventName,
        @NotNull @Pattern(regexp = "[a-z-]{1,32}", message = "must be 1 to 32 lowercase letters or -") String reason)
        implements OrderEvent {

    public static final String NAME = "event:dead-lettered";
}
