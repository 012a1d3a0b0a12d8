package dev.agentdojo.benchmarks;

import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventBusOptions;
import dev.agentdojo.bus.StandaloneEventBus;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code emit} to one async listener beside a raw Vert.x local {@code publish} to one consumer.
 * Both count a batch as done only when every message has reached its listener and (for
 * {@code emit}) every returned {@code Uni} has completed, so the publish's hand-off to the event loop
 * is paid, and no queue grows without bound.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EmitAsyncBenchmark {

    static final int BATCH = 1_000;

    private StandaloneEventBus bus;
    private Vertx vertx;
    private MessageConsumer<Object> consumer;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private long sent;

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) throws Exception {
        bus = EventBus.create(EventBusOptions.defaults().withHistorySize(0));
        bus.onAsync("order:created", e -> {
            blackhole.consume(e);
            delivered.incrementAndGet();
            return Uni.createFrom().voidItem();
        });
        vertx = Vertx.vertx();
        consumer = vertx.eventBus().consumer("order:created", m -> {
            blackhole.consume(m.body());
            delivered.incrementAndGet();
        });
        CompletableFuture<Void> registered = new CompletableFuture<>();
        consumer.completionHandler(result -> registered.complete(null));
        registered.get(5, TimeUnit.SECONDS);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        bus.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void vertxPublish() {
        for (int i = 0; i < BATCH; i++) {
            vertx.eventBus().publish("order:created", "o-1");
        }
        sent += BATCH;
        awaitDelivered();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void emit() {
        for (int i = 0; i < BATCH; i++) {
            bus.emit("order:created", "o-1").subscribe().with(done -> completed.incrementAndGet());
        }
        sent += BATCH;
        awaitDelivered();
        while (completed.get() < sent) {
            Thread.onSpinWait();
        }
    }

    private void awaitDelivered() {
        while (delivered.get() < sent) {
            Thread.onSpinWait();
        }
    }
}
