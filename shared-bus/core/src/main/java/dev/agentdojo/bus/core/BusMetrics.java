package dev.agentdojo.bus.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * The bus's counters per event name, kept here and read by a meter registry when it is scraped.
 * A {@link Registry} (the Quarkus extension's, for Micrometer) publishes each name's counters as it
 * first appears: {@code emitted}, {@code received} (from other services), {@code delivered}
 * (listener calls) and {@code failed}, and a timer of listener calls. At most {@value #MAX_NAMES}
 * distinct event names are tagged; the rest count under {@code "other"}, so that a producer inventing
 * names cannot grow the registry without bound. Thread-safe. {@link #NONE} records nothing (a
 * standalone bus).
 *
 * <p>Cheap enough to leave on: an emit looks its counters up once ({@link #of}); the counters are
 * {@link LongAdder}s; and one listener call in {@value #SAMPLE_EVERY} (the first included) is timed,
 * since reading the clock twice would cost more than the rest of an emit.
 */
public final class BusMetrics {

    static final int MAX_NAMES = 500;
    static final int SAMPLE_EVERY = 32;
    public static final BusMetrics NONE = new BusMetrics(null);

    /** Where the counters of each event name are published. */
    @FunctionalInterface
    public interface Registry {
        /** Publishes {@code counters} under the tag {@code event}; returns what records a timed listener call, in nanoseconds. */
        LongConsumer register(String event, PerName counters);
    }

    private final Registry registry;
    private final Map<String, PerName> byName = new ConcurrentHashMap<>();

    /** The counters of one event name. */
    public static final class PerName {
        public final LongAdder emitted = new LongAdder();
        public final LongAdder received = new LongAdder();
        public final LongAdder delivered = new LongAdder();
        public final LongAdder failed = new LongAdder();
        private final LongConsumer duration;
        private int calls; // racy on purpose: it only picks which calls to time

        private PerName(Registry registry, String tag) {
            duration = registry.register(tag, this);
        }

        /** Whether to time this listener call: one in {@value #SAMPLE_EVERY}. */
        boolean sample() {
            return (calls++ & (SAMPLE_EVERY - 1)) == 0;
        }

        void timed(long startNanos) {
            duration.accept(System.nanoTime() - startNanos);
        }
    }

    /** Counters published to {@code registry}; null records nothing. */
    public BusMetrics(Registry registry) {
        this.registry = registry;
    }

    /** The counters of {@code event}, or null when this records nothing. */
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
}
