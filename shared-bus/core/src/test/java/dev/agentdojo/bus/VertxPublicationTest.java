package dev.agentdojo.bus;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Every event is deliverable on the Vert.x event bus at its name (semantic 8), published where
 * something consumes. The build-time half ({@code @ConsumeEvent}) is tested in the deployment module.
 */
class VertxPublicationTest extends BusFixture {

    @Test
    void aVertxConsumerRegisteredThroughTheBusReceivesTheEvent() {
        List<Event> received = new CopyOnWriteArrayList<>();
        var consumer = bus.vertxConsumer("order:created", m -> received.add(m.body()));
        try {
            await().until(consumer::isRegistered);

            bus.emitSync("order:created", "o-1");
            bus.emitSync("order:updated", "o-1");

            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
            assertThat(received.get(0)).isSameAs(bus.getHistory("order:created").get(0));
        } finally {
            consumer.unregister();
        }
    }

    @Test
    void aConsumerOfABadNameIsRefused() {
        assertThatThrownBy(() -> bus.vertxConsumer("order:*", m -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.vertxConsumer("order:created", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("handler");
    }
}
