package dev.agentdojo.bus.extension;

import dev.agentdojo.bus.EventName;

import java.math.BigDecimal;

/** A typed event for the tests. */
@EventName("probe:created")
public record ProbeCreated(String probeId, BigDecimal amount) {
}
