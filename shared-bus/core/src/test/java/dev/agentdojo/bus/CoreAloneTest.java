package dev.agentdojo.bus;

import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The core jar is all a plain Java program needs: this module's test class path is the core and
 * its own dependencies (Vert.x, Mutiny, Jackson, JBoss Logging), with no Quarkus, no Reactive
 * Messaging and no Kafka, and the bus works from it.
 */
class CoreAloneTest {

    @Test
    void theClassPathHasNoKafkaNoMessagingAndNoQuarkus() {
        for (String absent : List.of("org.apache.kafka.clients.producer.KafkaProducer",
                "org.eclipse.microprofile.reactive.messaging.Channel",
                "io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata",
                "io.quarkus.arc.Arc",
                "io.micrometer.core.instrument.MeterRegistry")) {
            assertThatThrownBy(() -> Class.forName(absent)).as(absent).isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void createMakesAWorkingBus() {
        List<Object> seen = new ArrayList<>();
        try (StandaloneEventBus bus = EventBus.create()) {
            bus.on("user:login", e -> seen.add(e.arg(0)));

            assertThat(bus.emitSync("user:login", "john_doe")).isTrue();
            assertThat(bus.getHistory()).extracting(Event::name).containsExactly("user:login");
        }
        assertThat(seen).containsExactly("john_doe");
    }

    @Test
    void getIsTheProcessWideStandaloneBus_whenNoApplicationRuns() {
        EventBus bus = EventBus.get();

        assertThat(bus).isInstanceOf(StandaloneEventBus.class).isSameAs(EventBus.get());
    }

    @Test
    void onlyTheImplementationMakesEventsThroughTheFactory() {
        assertThatThrownBy(() -> Event.factory(MethodHandles.lookup()))
                .isInstanceOf(IllegalCallerException.class)
                .hasMessageContaining("dev.agentdojo.bus.core");
        assertThatThrownBy(() -> Event.factory(MethodHandles.publicLookup()))
                .isInstanceOf(IllegalCallerException.class);
    }

    @Test
    void twoBusesShareNothing() {
        try (StandaloneEventBus a = EventBus.create(EventBusOptions.defaults().withSource("a"));
             StandaloneEventBus b = EventBus.create(EventBusOptions.defaults().withSource("b"))) {
            a.on("x", e -> { });
            a.emitSync("x");

            assertThat(b.listenerCount("x")).isZero();
            assertThat(b.getHistory()).isEmpty();
            b.close();
            assertThat(a.emitSync("x")).isTrue();
        }
    }
}
