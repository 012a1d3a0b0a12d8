package dev.agentdojo.bus;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code once} fires at most once (semantic 2). */
class OnceTest extends BusFixture {

    @Test
    void onceFiresOnlyForTheFirstEmit() {
        AtomicInteger calls = new AtomicInteger();
        Subscription subscription = bus.once("first:visit", e -> calls.incrementAndGet());

        assertThat(bus.emitSync("first:visit", "ada")).isTrue();
        assertThat(bus.emitSync("first:visit", "ada")).isFalse();

        assertThat(calls).hasValue(1);
        assertThat(subscription.isActive()).isFalse();
        assertThat(bus.listenerCount("first:visit")).isZero();
    }

    @Test
    void onceAsyncFiresOnlyOnceAndEmitAwaitsIt() {
        AtomicInteger calls = new AtomicInteger();
        bus.onceAsync("first:visit", e -> Uni.createFrom().item(calls.incrementAndGet()));

        bus.emit("first:visit").await().atMost(java.time.Duration.ofSeconds(5));
        bus.emit("first:visit").await().atMost(java.time.Duration.ofSeconds(5));

        assertThat(calls).hasValue(1);
    }

    @RepeatedTest(20)
    void onceFiresOnceWhenEightThreadsEmitAtTheSameMoment() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        bus.once("race", e -> calls.incrementAndGet());
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int i = 0; i < threads; i++) {
                pool.execute(() -> {
                    try {
                        start.await();
                        bus.emitSync("race");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(calls).hasValue(1);
        assertThat(bus.getHistory("race")).hasSize(threads);
    }
}
