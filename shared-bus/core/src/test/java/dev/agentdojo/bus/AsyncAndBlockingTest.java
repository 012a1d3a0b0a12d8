package dev.agentdojo.bus;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code emit} waits for async listeners (semantic 5); blocking listeners stay off the event loop (4). */
class AsyncAndBlockingTest extends BusFixture {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void emitCompletesOnlyWhenEveryAsyncListenerHas() {
        List<String> calls = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        bus.onAsync("user:registered", e -> Uni.createFrom().completionStage(gate)
                .invoke(() -> calls.add("slow listener done")));
        bus.on("user:registered", e -> calls.add("sync listener done"));

        CompletableFuture<Void> emitted = bus.emit("user:registered", "ada@example.com")
                .subscribeAsCompletionStage();

        assertThat(emitted).isNotDone();
        assertThat(calls).containsExactly("sync listener done");
        gate.complete(null);
        emitted.orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(calls).containsExactly("sync listener done", "slow listener done");
    }

    @Test
    void emitDispatchesAtOnceEvenIfTheUniIsNeverSubscribed() {
        List<String> calls = new CopyOnWriteArrayList<>();
        bus.on("user:registered", e -> calls.add("ran"));

        bus.emit("user:registered");

        assertThat(calls).containsExactly("ran");
    }

    @Test
    void emitSyncStartsAsyncListenersWithoutWaitingForThem() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        List<String> calls = new CopyOnWriteArrayList<>();
        bus.onAsync("user:registered", e -> Uni.createFrom().completionStage(gate).invoke(() -> calls.add("done")));

        assertThat(bus.emitSync("user:registered")).isTrue();
        assertThat(calls).isEmpty();

        gate.complete(null);
        assertThat(calls).containsExactly("done");
    }

    @Test
    void aBlockingListenerEmittedFromAnEventLoopRunsOnAWorkerAndEmitWaitsForIt() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        CountDownLatch loopFree = new CountDownLatch(1);
        bus.onBlocking("report:requested", e -> {
            threads.add(Thread.currentThread().getName());
            threads.add(String.valueOf(Context.isOnEventLoopThread()));
            assertThat(loopFree.await(5, TimeUnit.SECONDS)).isTrue();
        });
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<Void> emitted = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                bus.emit("report:requested").subscribe().with(emitted::complete, emitted::completeExceptionally);
                // the event loop is free again while the blocking listener still waits
                vertx.runOnContext(w -> loopFree.countDown());
            });

            emitted.get(5, TimeUnit.SECONDS);
            assertThat(threads).hasSize(2);
            assertThat(threads.get(1)).isEqualTo("false");
            assertThat(threads.get(0)).contains("worker");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBlockingListenerRunsOnTheEmittingThreadWhenThatThreadMayBlock() {
        List<String> threads = new CopyOnWriteArrayList<>();
        bus.onBlocking("report:requested", e -> threads.add(Thread.currentThread().getName()));

        bus.emitSync("report:requested");

        assertThat(threads).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void anAsyncListenerReturningNullCountsAsDone() {
        bus.onAsync("user:registered", e -> null);

        bus.emit("user:registered").await().atMost(WAIT);

        assertThat(bus.getHistory("user:registered")).hasSize(1);
    }
}
