package dev.agentdojo.bus;

import dev.agentdojo.bus.impl.LocalEventBus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every event is also published on the Vert.x event bus at its name (semantic 8). */
class VertxPublicationTest extends BusFixture {

    @Test
    void aVertxConsumerAtTheEventsNameReceivesTheEvent() {
        List<Event> received = new CopyOnWriteArrayList<>();
        var consumer = ((LocalEventBus) bus).vertx().eventBus().<Event>consumer("order:created", m -> received.add(m.body()));
        try {
            await().until(consumer::isRegistered);

            bus.emitSync("order:created", "o-1");

            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
            assertThat(received.get(0)).isEqualTo(bus.getHistory().get(0));
        } finally {
            consumer.unregister();
        }
    }
}
