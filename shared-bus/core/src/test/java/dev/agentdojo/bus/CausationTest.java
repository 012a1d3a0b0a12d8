package dev.agentdojo.bus;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Causation and correlation ids (semantic 10). */
class CausationTest extends BusFixture {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static Vertx timers;

    @BeforeAll
    static void startTimers() {
        timers = Vertx.vertx();
    }

    @AfterAll
    static void stopTimers() throws Exception {
        timers.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aRootEventIsItsOwnCorrelationAndHasNoCause() {
        bus.emitSync("order:created");

        Event root = bus.getHistory().get(0);
        assertThat(root.correlationId()).isEqualTo(root.id());
        assertThat(root.causationId()).isNull();
        assertThat(root.isRoot()).isTrue();
    }

    @Test
    void anEventEmittedInASyncListenerNamesItsCauseAndSharesItsCorrelation() {
        bus.on("order:created", e -> bus.emitSync("payment:process"));
        bus.on("payment:process", e -> bus.emitSync("order:confirmed"));

        bus.emitSync("order:created");

        assertChain("order:created", "payment:process", "order:confirmed");
    }

    @Test
    void causationHoldsInAsyncListenersAndInWhatTheirUniDoesLater() {
        // the async listener emits only after a Vert.x timer fired, on another thread, after the listener returned
        bus.onAsync("order:created", e -> Uni.createFrom().emitter(done -> Vertx.currentContext().owner()
                        .setTimer(20, id -> done.complete(id)))
                .chain(() -> bus.emit("payment:process")));
        bus.onAsync("payment:process", e -> bus.emit("order:confirmed"));

        bus.emit("order:created").await().atMost(WAIT);

        assertChain("order:created", "payment:process", "order:confirmed");
    }

    @Test
    void causationHoldsInBlockingListeners() {
        bus.onBlocking("order:created", e -> bus.emitSync("payment:process"));

        timers.runOnContext(v -> bus.emit("order:created"));

        await().atMost(WAIT).until(() -> bus.getHistory().size() == 2);
        assertChain("order:created", "payment:process");
    }

    @Test
    void anEventEmittedAfterTheListenerReturnedIsARootAgain() {
        bus.on("order:created", e -> { });
        bus.emitSync("order:created");
        bus.emitSync("unrelated");

        assertThat(bus.getHistory("unrelated").get(0).isRoot()).isTrue();
    }

    @Test
    void emitCausedByContinuesAChainOutsideAListener() {
        bus.emitSync("order:created");
        Event created = bus.getHistory().get(0);

        bus.emitCausedBy(created, "payment:process").await().atMost(WAIT);
        bus.emitSync("unrelated");

        Event retried = bus.getHistory("payment:process").get(0);
        assertThat(retried.causationId()).isEqualTo(created.id());
        assertThat(retried.correlationId()).isEqualTo(created.correlationId());
        assertThat(bus.getHistory("unrelated").get(0).isRoot()).as("the scope ends with the call").isTrue();
    }

    @Test
    void emitCausedByRefusesANullCause() {
        assertThatThrownBy(() -> bus.emitCausedBy(null, "payment:process"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the cause of 'payment:process' must not be null");
        assertThat(bus.getHistory()).isEmpty();
    }

    @Test
    void errorEventsNameTheFailedEventAsTheirCause() {
        bus.on("error", e -> { });
        bus.on("order:created", e -> {
            throw new IllegalStateException("boom");
        });

        bus.emitSync("order:created");

        assertChain("order:created", "error");
    }

    private static void assertChain(String... names) {
        List<Event> history = bus.getHistory();
        assertThat(history).extracting(Event::name).containsExactly(names);
        Event root = history.get(0);
        for (int i = 1; i < history.size(); i++) {
            assertThat(history.get(i).causationId()).as("cause of " + names[i]).isEqualTo(history.get(i - 1).id());
            assertThat(history.get(i).correlationId()).as("correlation of " + names[i]).isEqualTo(root.id());
        }
    }
}
