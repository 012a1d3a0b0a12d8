package dev.agentdojo.bus.extension;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.ListenerFailedException;
import dev.agentdojo.bus.OnEvent;
import io.quarkus.test.QuarkusUnitTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code @OnEvent} methods, typed events, and Vert.x publication only where something consumes. */
class OnEventTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OnEventProbe.class, ProbeCreated.class, ConsumeEventProbe.class))
            .withConfigurationResource("application.properties");

    @Inject
    EventBus bus;

    @Inject
    OnEventProbe probe;

    @Inject
    ConsumeEventProbe consumeEventProbe;

    @Inject
    Vertx vertx;

    @BeforeEach
    void reset() {
        probe.calls.clear();
        probe.typed.clear();
        bus.clearHistory();
    }

    @Test
    void aClassWithOnEventMethodsIsABeanWhoseMethodsAreRegisteredAtStartUp() {
        assertThat(bus.listenerCount("probe:sync")).isEqualTo(1);
        assertThat(bus.listenerCount("probe:a:*")).isEqualTo(1);
        assertThat(bus.listenerCount("probe:created")).isEqualTo(1);

        assertThat(bus.emitSync("probe:sync", "x")).isTrue();

        assertThat(probe.calls).containsExactly("sync:x");
    }

    @Test
    void aMethodListensToEachOfItsPatterns() {
        bus.emitSync("probe:a:one");
        bus.emitSync("probe:b:two");
        bus.emitSync("probe:c:three");

        assertThat(probe.calls).containsExactly("patterns:probe:a:one", "patterns:probe:b:two");
    }

    @Test
    void aTypedEventIsEmittedAsArgsAndReadBackAsItsRecord_andEmitAwaitsTheMethodsUni() {
        ProbeCreated sent = new ProbeCreated("p-1", new BigDecimal("2.50"));

        bus.emit(sent).await().atMost(WAIT);

        assertThat(probe.typed).containsExactly(sent); // the Uni delays 200 ms: emit waited for it
        Event event = bus.getHistory("probe:created").get(0);
        assertThat(event.args()).containsExactly("p-1", new BigDecimal("2.50"));
        assertThat(event.as(ProbeCreated.class)).isEqualTo(sent);
    }

    @Test
    void aBlockingMethodNeverRunsOnTheEventLoop() {
        CompletableFuture<Void> emitted = new CompletableFuture<>();
        vertx.runOnContext(ignored -> bus.emit("probe:blocking").subscribe().with(emitted::complete, emitted::completeExceptionally));

        await().atMost(WAIT).until(emitted::isDone);
        assertThat(emitted).isCompleted();
        assertThat(probe.calls).containsExactly("blocking:may-block");
    }

    @Test
    void aOnceMethodIsCalledForTheFirstEventOnly() {
        bus.emitSync("probe:once", 1);
        bus.emitSync("probe:once", 2);

        assertThat(probe.calls).containsExactly("once:1");
    }

    @Test
    void aFailingMethodFailsTheEmitLikeAnyListener() {
        assertThatThrownBy(() -> bus.emitSync("probe:fails"))
                .isInstanceOf(ListenerFailedException.class)
                .hasRootCauseMessage("failed on purpose");
    }

    @Test
    void whatAMethodEmitsNamesTheEventItHandledAsItsCause() {
        bus.emitSync("probe:emits");

        Event handled = bus.getHistory("probe:emits").get(0);
        Event caused = bus.getHistory("probe:sync").get(0);
        assertThat(caused.causationId()).isEqualTo(handled.id());
        assertThat(caused.correlationId()).isEqualTo(handled.correlationId());
    }

    @Test
    void eventsArePublishedOnVertxWhereAConsumeEventMethodListens_andNowhereElse() {
        List<Object> direct = new CopyOnWriteArrayList<>();
        var unannounced = vertx.eventBus().consumer("probe:unconsumed", m -> direct.add(m.body()));
        List<Event> viaBus = new CopyOnWriteArrayList<>();
        var announced = bus.vertxConsumer("probe:late", m -> viaBus.add(m.body()));
        try {
            await().atMost(WAIT).until(() -> unannounced.isRegistered() && announced.isRegistered());
            int before = consumeEventProbe.received().size();

            bus.emitSync("probe:unconsumed");
            bus.emitSync("probe:late");
            bus.emitSync("probe:ping", "hello");

            await().atMost(WAIT).until(() -> viaBus.size() == 1 && consumeEventProbe.received().size() == before + 1);
            await().during(Duration.ofMillis(300)).atMost(WAIT).until(direct::isEmpty);
        } finally {
            unannounced.unregister();
            announced.unregister();
        }
    }
}
