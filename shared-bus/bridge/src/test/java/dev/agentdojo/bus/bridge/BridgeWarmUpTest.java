package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventBusOptions;
import dev.agentdojo.bus.core.LocalEventBus;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-up warm-up runs the event path on a scratch bus and leaves the application's bus untouched. */
class BridgeWarmUpTest {

    @Test
    void theWarmUpDispatchesEveryRoundOnAScratchBusAndNothingOnTheApplicationsBus() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (LocalEventBus app = new LocalEventBus(vertx, false, EventBusOptions.defaults().withSource("app"))) {
            AtomicInteger seenByApp = new AtomicInteger();
            app.on(EventBus.ALL, e -> seenByApp.incrementAndGet());

            assertThat(BridgeWarmUp.run(vertx, 500)).isEqualTo(1_000);

            assertThat(seenByApp).hasValue(0);
            assertThat(app.getHistory()).isEmpty();
            assertThat(BridgeWarmUp.run(vertx, 0)).as("0 turns it off").isZero();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
