package dev.agentdojo.benchmarks;

import dev.agentdojo.bus.EventBusOptions;
import dev.agentdojo.bus.core.BusMetrics;
import dev.agentdojo.bus.core.LocalEventBus;
import dev.agentdojo.bus.runtime.MicrometerMeters;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * What the bus's meters add to an {@code emitSync}, as a service has them (a Prometheus registry,
 * as quarkus-micrometer-registry-prometheus makes it): the seed's setup (one listener, one
 * {@code *} listener, history of 100) with and without a registry, in the same run. In this
 * package because a bus with meters is made by the CDI producer, which a benchmark has not.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MetricsBenchmark {

    private Vertx vertx;
    private LocalEventBus withoutMeters;
    private LocalEventBus withMeters;
    private final Object arg = "o-1";

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        vertx = Vertx.vertx();
        EventBusOptions options = EventBusOptions.defaults().withHistorySize(100);
        withoutMeters = new LocalEventBus(vertx, false, options, BusMetrics.NONE);
        withMeters = new LocalEventBus(vertx, false, options, new BusMetrics(new MicrometerMeters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))));
        for (LocalEventBus bus : new LocalEventBus[] {withoutMeters, withMeters}) {
            bus.on("*", blackhole::consume);
            bus.on("order:created", blackhole::consume);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        withoutMeters.close();
        withMeters.close();
        vertx.close();
    }

    @Benchmark
    public boolean withoutMeters() {
        return withoutMeters.emitSync("order:created", arg);
    }

    @Benchmark
    public boolean withMeters() {
        return withMeters.emitSync("order:created", arg);
    }
}
