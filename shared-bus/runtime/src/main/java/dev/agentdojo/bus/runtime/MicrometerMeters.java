package dev.agentdojo.bus.runtime;

import dev.agentdojo.bus.core.BusMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * Publishes the bus's counters of each event name to Micrometer: {@code agentdojo.events.emitted},
 * {@code .received}, {@code .delivered}, {@code .failed} (function counters on the bus's own
 * {@link LongAdder}s, read when scraped) and the timer {@code agentdojo.listener.duration}, tagged
 * {@code event}. The timer counts the sampled calls; {@code delivered} counts them all.
 */
public final class MicrometerMeters implements BusMetrics.Registry {

    private final MeterRegistry registry;

    public MicrometerMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public LongConsumer register(String event, BusMetrics.PerName counters) {
        count("agentdojo.events.emitted", event, counters.emitted);
        count("agentdojo.events.received", event, counters.received);
        count("agentdojo.events.delivered", event, counters.delivered);
        count("agentdojo.events.failed", event, counters.failed);
        Timer duration = Timer.builder("agentdojo.listener.duration").tag("event", event).register(registry);
        return nanos -> duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    private void count(String name, String event, LongAdder adder) {
        // the registry holds the adder weakly; the bus's BusMetrics holds it for as long as the bus lives
        FunctionCounter.builder(name, adder, LongAdder::doubleValue).tag("event", event).register(registry);
    }
}
