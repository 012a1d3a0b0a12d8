package dev.agentdojo.bus;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/** Many threads emitting and registering at once lose nothing. */
class ConcurrencyTest extends BusFixture {

    @Test
    void aHundredThousandEmitsFromFourThreadsAreAllDelivered() throws Exception {
        LongAdder named = new LongAdder();
        LongAdder wildcard = new LongAdder();
        AtomicLong sum = new AtomicLong();
        bus.on("tick", e -> {
            named.increment();
            sum.addAndGet(e.arg(0, Integer.class));
        });
        bus.on("*", e -> wildcard.increment());
        int threads = 4;
        int perThread = 25_000;

        runConcurrently(threads, t -> {
            for (int i = 0; i < perThread; i++) {
                bus.emitSync("tick", 1);
            }
        });

        assertThat(named.sum()).isEqualTo(100_000);
        assertThat(wildcard.sum()).isEqualTo(100_000);
        assertThat(sum.get()).isEqualTo(100_000);
        assertThat(bus.getHistory()).hasSize(100);
    }

    @Test
    void registeringAndRemovingWhileOthersEmitLeavesAConsistentRegistry() throws Exception {
        LongAdder calls = new LongAdder();
        bus.on("tick", e -> calls.increment());

        runConcurrently(4, t -> {
            for (int i = 0; i < 5_000; i++) {
                if (t % 2 == 0) {
                    bus.emitSync("tick");
                } else {
                    Subscription s = bus.on("tick", e -> { });
                    s.close();
                }
            }
        });

        assertThat(calls.sum()).isEqualTo(10_000);
        assertThat(bus.listenerCount("tick")).isEqualTo(1);
    }

    private static void runConcurrently(int threads, ThreadBody body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int index = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    body.run(index);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface ThreadBody {
        void run(int threadIndex) throws Exception;
    }
}
