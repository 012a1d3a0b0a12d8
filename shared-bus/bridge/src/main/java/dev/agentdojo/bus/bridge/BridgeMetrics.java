package dev.agentdojo.bus.bridge;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The bridge's Micrometer meters: the counters {@code agentdojo.bridge.published}, {@code .consumed},
 * {@code .skipped} (by reason) and {@code .dead.lettered} (by reason), and the gauge
 * {@code agentdojo.bridge.oldest.unacknowledged.seconds}. Without a registry in the application it
 * records nothing.
 */
final class BridgeMetrics {

    private final MeterRegistry registry;

    /** Counters in {@code registry}; null records nothing. */
    BridgeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void count(String what) {
        if (registry != null) {
            registry.counter("agentdojo.bridge." + what).increment();
        }
    }

    void deadLettered(String reason) {
        if (registry != null) {
            registry.counter("agentdojo.bridge.dead.lettered", "reason", reason).increment();
        }
    }

    /** The gauge of how long the oldest record received and not yet settled has waited (0: none waits). */
    void unsettled(UnsettledRecords records) {
        if (registry != null) {
            registry.gauge("agentdojo.bridge.oldest.unacknowledged.seconds", records, UnsettledRecords::oldestSeconds);
        }
    }

    void skipped(String reason) {
        if (registry != null) {
            registry.counter("agentdojo.bridge.skipped", "reason", reason).increment();
        }
    }
}
