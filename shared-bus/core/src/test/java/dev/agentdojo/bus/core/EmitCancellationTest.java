package dev.agentdojo.bus.core;

import dev.agentdojo.bus.EventBusOptions;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whoever emits may stop waiting (an HTTP client that hangs up cancels the request's Uni); the
 * event must still go out: cancelling the Uni of {@code emit} does not cancel the send.
 */
class EmitCancellationTest {

    private LocalEventBus bus;

    @BeforeEach
    void createBus() {
        bus = new LocalEventBus(Vertx.vertx(), true, EventBusOptions.defaults().withSource("test"));
    }

    @AfterEach
    void closeBus() {
        bus.close();
    }

    @Test
    void cancellingTheUniOfEmitLeavesTheSendAlone() {
        AtomicReference<CompletableFuture<Void>> send = new AtomicReference<>();
        bus.bridgePort().addOutboundHook(event -> {
            CompletableFuture<Void> pending = new CompletableFuture<>();
            send.set(pending);
            return pending;
        });
        AtomicReference<Object> outcome = new AtomicReference<>();

        Cancellable waiting = bus.emit("order:created", "o-1").subscribe()
                .with(ok -> outcome.set("done"), outcome::set);
        assertThat(send.get()).as("the event was handed to the outbound hook").isNotNull();
        waiting.cancel();

        assertThat(send.get()).isNotCancelled().isNotDone();
        send.get().complete(null);
        assertThat(outcome.get()).as("a cancelled subscriber hears nothing").isNull();
    }
}
