package dev.agentdojo.bus;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Typed events: records annotated with {@link EventName}, emitted as args and read back. */
class TypedEventTest extends BusFixture {

    @EventName("order:created")
    record OrderCreated(String orderId, BigDecimal amount, List<Item> items) {
    }

    record Item(String sku, int quantity) {
    }

    record Unnamed(String id) {
    }

    @Test
    void aTypedEventIsEmittedUnderItsNameWithItsComponentsAsArgsInOrder() {
        List<OrderCreated> received = new java.util.ArrayList<>();
        bus.on("order:created", e -> received.add(e.as(OrderCreated.class)));
        OrderCreated sent = new OrderCreated("o-1", new BigDecimal("9.90"), List.of(new Item("a", 2)));

        bus.emitSync(sent);

        Event event = bus.getHistory().get(0);
        assertThat(event.name()).isEqualTo("order:created");
        assertThat(event.args()).containsExactly("o-1", new BigDecimal("9.90"), List.of(new Item("a", 2)));
        assertThat(received).containsExactly(sent);
    }

    @Test
    void argsThatCameAsJsonAreConvertedToTheComponentTypes_genericOnesIncluded() {
        Event asReceived = new Event("id-1", "order:created",
                List.of("o-1", 9.9, List.of(Map.of("sku", "a", "quantity", 2))),
                java.time.Instant.now(), "other-service", "id-1", null);

        OrderCreated read = asReceived.as(OrderCreated.class);

        assertThat(read.amount()).isEqualByComparingTo("9.9");
        assertThat(read.items()).containsExactly(new Item("a", 2));
    }

    @Test
    void anEventIsNotReadAsTheRecordOfAnotherEvent() {
        bus.emitSync("order:cancelled", "o-1", BigDecimal.ONE, List.of());

        assertThatThrownBy(() -> bus.getHistory().get(0).as(OrderCreated.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'order:cancelled' cannot be read as")
                .hasMessageContaining("which is event 'order:created'");
    }

    @Test
    void anEventWithTheWrongNumberOfArgsIsNotRead() {
        bus.emitSync("order:created", "o-1");

        assertThatThrownBy(() -> bus.getHistory().get(0).as(OrderCreated.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 1 arg(s)")
                .hasMessageContaining("has 3 component(s)");
    }

    @Test
    void aRecordWithoutEventNameIsRefusedAndNothingIsEmitted() {
        assertThatThrownBy(() -> bus.emitSync(new Unnamed("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a typed event")
                .hasMessageContaining("@EventName");
        assertThat(bus.getHistory()).isEmpty();
    }

    @Test
    void aRecordWithoutEventNameCanStillBeReadFromAnyEvent() {
        bus.emitSync("thing:made", "x");

        assertThat(bus.getHistory().get(0).as(Unnamed.class)).isEqualTo(new Unnamed("x"));
    }

    @Test
    void emitCausedByTakesATypedEventToo() {
        bus.emitSync("order:placed");
        Event cause = bus.getHistory().get(0);

        bus.emitCausedBy(cause, new OrderCreated("o-1", BigDecimal.TEN, List.of())).await().indefinitely();

        Event effect = bus.getHistory("order:created").get(0);
        assertThat(effect.causationId()).isEqualTo(cause.id());
        assertThat(effect.correlationId()).isEqualTo(cause.correlationId());
    }
}
