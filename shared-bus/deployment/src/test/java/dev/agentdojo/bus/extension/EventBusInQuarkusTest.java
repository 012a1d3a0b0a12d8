package dev.agentdojo.bus.extension;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The bus as a Quarkus application sees it: injected, configured, and visible to {@code @ConsumeEvent}. */
class EventBusInQuarkusTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(EventBusInQuarkusTest.class, ConsumeEventProbe.class))
            .withConfigurationResource("application.properties");

    @Inject
    EventBus bus;

    @Inject
    ConsumeEventProbe probe;

    @AfterEach
    void reset() {
        bus.removeAllListeners();
        bus.clearHistory();
    }

    @Test
    void theInjectedBusIsTheSingletonThatGetReturns() {
        assertThat(bus).isNotNull();
        assertThat(EventBus.get()).isSameAs(bus);
    }

    @Test
    void eventsCarryTheApplicationNameAsSource() {
        bus.emitSync("user:login", "ada");

        assertThat(bus.source()).isEqualTo("bus-under-test");
        assertThat(bus.getHistory().get(0).source()).isEqualTo("bus-under-test");
    }

    @Test
    void historySizeComesFromApplicationProperties() {
        for (int i = 0; i < 10; i++) {
            bus.emitSync("tick", i);
        }

        assertThat(bus.getHistory()).extracting(e -> e.arg(0)).containsExactly(3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void aPlainConsumeEventMethodReceivesEventsEmittedThroughTheBus() {
        bus.emit("probe:ping", "hello").await().atMost(Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(5)).until(() -> !probe.received().isEmpty());
        Event received = probe.received().get(0);
        assertThat(received.name()).isEqualTo("probe:ping");
        assertThat(received.arg(0)).isEqualTo("hello");
        assertThat(received.id()).isEqualTo(bus.getHistory("probe:ping").get(0).id());
    }
}
