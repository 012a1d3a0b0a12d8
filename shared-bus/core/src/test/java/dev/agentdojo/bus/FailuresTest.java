package dev.agentdojo.bus;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A failing listener never stops the others; failures go to {@code error} (semantic 4). */
class FailuresTest extends BusFixture {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        List<String> calls = new CopyOnWriteArrayList<>();
        bus.on("error", e -> calls.add("error handled"));
        bus.on("order:created", e -> calls.add("before"));
        bus.on("order:created", e -> {
            throw new IllegalStateException("boom");
        });
        bus.on("order:created", e -> calls.add("after"));

        assertThat(bus.emitSync("order:created")).isTrue();

        assertThat(calls).containsExactly("before", "after", "error handled");
    }

    @Test
    void failuresGoToErrorListenersWithTheExceptionAndTheFailedEvent() {
        List<Event> errors = new CopyOnWriteArrayList<>();
        bus.on("error", errors::add);
        IllegalStateException boom = new IllegalStateException("boom");
        bus.on("order:created", e -> {
            throw boom;
        });

        bus.emitSync("order:created", "o-1");

        assertThat(errors).hasSize(1);
        Event error = errors.get(0);
        assertThat(error.arg(0)).isSameAs(boom);
        Event failed = error.arg(1, Event.class);
        assertThat(failed.name()).isEqualTo("order:created");
        assertThat(error.causationId()).isEqualTo(failed.id());
    }

    @Test
    void withoutErrorListenerEmitSyncThrowsAfterEveryListenerRan() {
        List<String> calls = new CopyOnWriteArrayList<>();
        bus.on("order:created", e -> {
            throw new IllegalStateException("first");
        });
        bus.on("order:created", e -> calls.add("still ran"));
        bus.on("order:created", e -> {
            throw new IllegalArgumentException("second");
        });

        assertThatThrownBy(() -> bus.emitSync("order:created"))
                .isInstanceOf(ListenerFailedException.class)
                .hasMessageContaining("order:created")
                .hasCauseInstanceOf(IllegalStateException.class)
                .satisfies(t -> assertThat(t.getSuppressed()).singleElement().isInstanceOf(IllegalArgumentException.class));
        assertThat(calls).containsExactly("still ran");
    }

    @Test
    void withoutErrorListenerTheUniOfEmitFailsAfterEveryListenerRan() {
        List<String> calls = new CopyOnWriteArrayList<>();
        bus.onAsync("order:created", e -> Uni.createFrom().failure(new IllegalStateException("async boom")));
        bus.on("order:created", e -> calls.add("still ran"));

        assertThatThrownBy(() -> bus.emit("order:created").await().atMost(WAIT))
                .isInstanceOf(ListenerFailedException.class)
                .hasRootCauseMessage("async boom");
        assertThat(calls).containsExactly("still ran");
    }

    @Test
    void aFailedAsyncListenerGoesToErrorListenersAndEmitSucceeds() {
        List<Event> errors = new CopyOnWriteArrayList<>();
        bus.on("error", errors::add);
        bus.onAsync("order:created", e -> Uni.createFrom().failure(new IllegalStateException("async boom")));

        bus.emit("order:created").await().atMost(WAIT);

        assertThat(errors).singleElement().satisfies(e -> assertThat(e.arg(0, Throwable.class)).hasMessage("async boom"));
    }

    @Test
    void anAsyncFailureAfterEmitSyncReturnedStillReachesErrorListeners() {
        List<Event> errors = new CopyOnWriteArrayList<>();
        bus.on("error", errors::add);
        bus.onAsync("order:created", e -> Uni.createFrom().failure(new IllegalStateException("late"))
                .onFailure().call(() -> Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(20))));

        bus.emitSync("order:created");

        await().atMost(WAIT).until(() -> errors.size() == 1);
        assertThat(errors.get(0).arg(0, Throwable.class)).hasMessage("late");
    }

    @Test
    void aFailingErrorListenerIsReportedNotLooped() {
        bus.on("error", e -> {
            throw new IllegalStateException("error listener broke");
        });
        bus.on("order:created", e -> {
            throw new IllegalStateException("boom");
        });

        assertThatThrownBy(() -> bus.emitSync("order:created"))
                .isInstanceOf(ListenerFailedException.class)
                .hasMessageContaining("'error'");
        assertThat(bus.getHistory("error")).hasSize(1);
    }
}
