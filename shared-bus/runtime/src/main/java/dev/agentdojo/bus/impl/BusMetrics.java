package dev.agentdojo.bus.impl;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The bus's Micrometer meters, tagged by event name: {@code agentdojo.events.emitted},
 * {@code .received} (from other services), {@code .delivered} (listener calls), {@code .failed},
 * the timer {@code agentdojo.listener.duration}, and the bridge's {@code agentdojo.bridge.published},
 * {@code .consumed} and {@code .skipped} (by reason). At most {@value #MAX_NAMES} distinct event
 * names are tagged; the rest count under {@code event="other"}, so that a producer inventing names
 * cannot grow the registry without bound. Thread-safe. {@link #NONE} records nothing (a standalone
 * bus without a registry).
 */
final class BusMetrics {

    static final int MAX_NAMES = 500;
    static final BusMetrics NONE = new BusMetrics(null);

    private final MeterRegistry registry;
    private final Map<String, PerName> byName = new ConcurrentHashMap<>();

    private record PerName(Counter emitted, Counter received, Counter delivered, Counter failed, Timer duration) {
    }

    BusMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    boolean enabled() {
        return registry != null;
    }

    void emitted(String event) {
        if (registry != null) {
            meters(event).emitted().increment();
        }
    }

    void received(String event) {
        if (registry != null) {
            meters(event).received().increment();
        }
    }

    void delivered(String event, long nanos) {
        if (registry != null) {
            PerName m = meters(event);
            m.delivered().increment();
            m.duration().record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    void failed(String event) {
        if (registry != null) {
            meters(event).failed().increment();
        }
    }

    void bridge(String what) {
        if (registry != null) {
            registry.counter("agentdojo.bridge." + what).increment();
        }
    }

    void bridgeSkipped(String reason) {
        if (registry != null) {
            registry.counter("agentdojo.bridge.skipped", "reason", reason).increment();
        }
    }

    private PerName meters(String event) {
        PerName m = byName.get(event);
        if (m != null) {
            return m;
        }
        String tag = byName.size() >= MAX_NAMES ? "other" : event;
        return byName.computeIfAbsent(tag, t -> new PerName(
                registry.counter("agentdojo.events.emitted", "event", t),
                registry.counter("agentdojo.events.received", "event", t),
                registry.counter("agentdojo.events.delivered", "event", t),
                registry.counter("agentdojo.events.failed", "event", t),
                Timer.builder("agentdojo.listener.duration").tag("event", t).register(registry)));
    }
}
