package dev.agentdojo.bus.impl;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bus's Micrometer meters, tagged by event name: {@code agentdojo.events.emitted},
 * {@code .received} (from other services), {@code .delivered} (listener calls), {@code .failed},
 * the timer {@code agentdojo.listener.duration}, and the bridge's {@code agentdojo.bridge.published},
 * {@code .consumed} and {@code .skipped} (by reason). At most {@value #MAX_NAMES} distinct event
 * names are tagged; the rest count under {@code event="other"}, so that a producer inventing names
 * cannot grow the registry without bound. Thread-safe. {@link #NONE} records nothing (a standalone
 * bus without a registry).
 *
 * <p>Cheap enough to leave on: an emit looks its meters up once ({@link #of}); the counters are
 * {@link LongAdder}s that the registry reads when scraped; and one listener call in
 * {@value #SAMPLE_EVERY} (the first included) is timed, since reading the clock twice would cost
 * more than the rest of an emit — so the timer's count is that of the timed calls, and
 * {@code agentdojo.events.delivered} counts them all.
 */
final class BusMetrics {

    static final int MAX_NAMES = 500;
    static final int SAMPLE_EVERY = 32;
    static final BusMetrics NONE = new BusMetrics(null);

    private final MeterRegistry registry;
    private final Map<String, PerName> byName = new ConcurrentHashMap<>();

    /** The meters of one event name. */
    static final class PerName {
        final LongAdder emitted = new LongAdder();
        final LongAdder received = new LongAdder();
        final LongAdder delivered = new LongAdder();
        final LongAdder failed = new LongAdder();
        final Timer duration;
        private int calls; // racy on purpose: it only picks which calls to time

        private PerName(MeterRegistry registry, String tag) {
            count(registry, "agentdojo.events.emitted", tag, emitted);
            count(registry, "agentdojo.events.received", tag, received);
            count(registry, "agentdojo.events.delivered", tag, delivered);
            count(registry, "agentdojo.events.failed", tag, failed);
            duration = Timer.builder("agentdojo.listener.duration").tag("event", tag).register(registry);
        }

        private static void count(MeterRegistry registry, String name, String tag, LongAdder adder) {
            FunctionCounter.builder(name, adder, LongAdder::doubleValue).tag("event", tag).register(registry); // held by byName: the registry only weakly
        }

        /** Whether to time this listener call: one in {@value #SAMPLE_EVERY}. */
        boolean sample() {
            return (calls++ & (SAMPLE_EVERY - 1)) == 0;
        }

        void timed(long startNanos) {
            duration.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }
    }

    BusMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    boolean enabled() {
        return registry != null;
    }

    /** The meters of {@code event}, or null when this records nothing. */
    PerName of(String event) {
        if (registry == null) {
            return null;
        }
        PerName m = byName.get(event);
        if (m != null) {
            return m;
        }
        String tag = byName.size() >= MAX_NAMES ? "other" : event;
        return byName.computeIfAbsent(tag, t -> new PerName(registry, t));
    }

    void failed(String event) {
        PerName m = of(event);
        if (m != null) {
            m.failed.increment();
        }
    }

    void bridge(String what) {
        if (registry != null) {
            registry.counter("agentdojo.bridge." + what).increment();
        }
    }

    void bridgeDeadLettered(String reason) {
        if (registry != null) {
            registry.counter("agentdojo.bridge.dead.lettered", "reason", reason).increment();
        }
    }

    void bridgeSkipped(String reason) {
        if (registry != null) {
            registry.counter("agentdojo.bridge.skipped", "reason", reason).increment();
        }
    }
}
