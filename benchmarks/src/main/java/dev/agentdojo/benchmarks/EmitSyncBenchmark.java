package dev.agentdojo.benchmarks;

import com.google.common.eventbus.Subscribe;
import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventBusOptions;
import dev.agentdojo.bus.Listener;
import dev.agentdojo.bus.StandaloneEventBus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code emitSync} beside two baselines: the least a dispatcher can do (a loop over a
 * {@link CopyOnWriteArrayList} calling the same listeners with a ready-made event), and Guava's
 * {@code EventBus}, the usual in-process bus on the JVM.
 *
 * <ul>
 *   <li>{@code bareLoop} vs {@code emitSync}: a bus with history off and no wildcard.</li>
 *   <li>{@code emitSyncWithHistoryAndWildcard}: the seed's setup, a history of 100 and one
 *   {@code *} listener on top of the named ones; beside {@code bareLoopPlusOne} (the loop calls one
 *   more listener too) and {@code guava}, whose bus has the named subscribers and one subscriber
 *   of {@code Object} (Guava's nearest to {@code *}), and no history.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EmitSyncBenchmark {

    @Param({"1", "10"})
    public int listeners;

    private StandaloneEventBus plainBus;
    private StandaloneEventBus fullBus;
    private com.google.common.eventbus.EventBus guavaBus;
    private final List<Listener> loop = new CopyOnWriteArrayList<>();
    private final List<Listener> loopPlusOne = new CopyOnWriteArrayList<>();
    private Event event;
    private final Object arg = "o-1";

    /** What Guava posts: an event object, made per post as our bus makes one per emit. */
    public record OrderCreated(Object orderId) {
    }

    /** A Guava subscriber of {@link OrderCreated}. */
    public static final class GuavaListener {
        private final Blackhole blackhole;

        GuavaListener(Blackhole blackhole) {
            this.blackhole = blackhole;
        }

        @Subscribe
        public void on(OrderCreated created) {
            blackhole.consume(created);
        }
    }

    /** A Guava subscriber of every event. */
    public static final class GuavaWildcard {
        private final Blackhole blackhole;

        GuavaWildcard(Blackhole blackhole) {
            this.blackhole = blackhole;
        }

        @Subscribe
        public void on(Object any) {
            blackhole.consume(any);
        }
    }

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        plainBus = EventBus.create(EventBusOptions.defaults().withHistorySize(0));
        fullBus = EventBus.create(EventBusOptions.defaults().withHistorySize(100));
        guavaBus = new com.google.common.eventbus.EventBus("bench");
        fullBus.on("*", blackhole::consume);
        guavaBus.register(new GuavaWildcard(blackhole));
        loopPlusOne.add(blackhole::consume);
        for (int i = 0; i < listeners; i++) {
            Listener listener = e -> blackhole.consume(e);
            plainBus.on("order:created", listener);
            fullBus.on("order:created", listener);
            guavaBus.register(new GuavaListener(blackhole));
            loop.add(listener);
            loopPlusOne.add(listener);
        }
        event = new Event("id", "order:created", List.of(arg), Instant.now(), "bench", "id", null);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        plainBus.close();
        fullBus.close();
    }

    @Benchmark
    public void bareLoop() throws Exception {
        for (Listener l : loop) {
            l.onEvent(event);
        }
    }

    @Benchmark
    public boolean emitSync() {
        return plainBus.emitSync("order:created", arg);
    }

    @Benchmark
    public void bareLoopPlusOne() throws Exception {
        for (Listener l : loopPlusOne) {
            l.onEvent(event);
        }
    }

    @Benchmark
    public boolean emitSyncWithHistoryAndWildcard() {
        return fullBus.emitSync("order:created", arg);
    }

    @Benchmark
    public void guava() {
        guavaBus.post(new OrderCreated(arg));
    }
}
