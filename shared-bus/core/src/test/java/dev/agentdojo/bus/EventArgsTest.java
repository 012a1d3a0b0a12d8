package dev.agentdojo.bus;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code Event.arg(i, Class)} reads arguments the same whether they are objects or decoded JSON. */
class EventArgsTest extends BusFixture {

    record Order(String id, String customer, BigDecimal amount, Instant placedAt) {
    }

    @Test
    void anArgumentOfTheAskedTypeIsReturnedAsItIs() {
        Order order = new Order("o-1", "ada", new BigDecimal("12.50"), Instant.parse("2026-01-02T03:04:05Z"));
        bus.emitSync("order:created", order);

        assertThat(bus.getHistory().get(0).arg(0, Order.class)).isSameAs(order);
    }

    @Test
    void decodedJsonIsConvertedToRecordsInstantsAndDecimals() {
        Map<String, Object> asJson = Map.of("id", "o-1", "customer", "ada", "amount", 12.5,
                "placedAt", "2026-01-02T03:04:05Z");
        bus.emitSync("order:created", asJson, "2026-01-02T03:04:05Z");
        Event e = bus.getHistory().get(0);

        assertThat(e.arg(0, Order.class))
                .isEqualTo(new Order("o-1", "ada", new BigDecimal("12.5"), Instant.parse("2026-01-02T03:04:05Z")));
        assertThat(e.arg(1, Instant.class)).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    }

    @Test
    void anArgumentThatCannotBeConvertedIsReportedClearly() {
        bus.emitSync("order:created", "not a number");
        Event e = bus.getHistory().get(0);

        assertThatThrownBy(() -> e.arg(0, Integer.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("arg 0 of event 'order:created' cannot be read as java.lang.Integer");
    }

    @Test
    void argsCannotBeChangedAfterTheEmit() {
        Object[] args = {"ada"};
        bus.emitSync("user:login", args);
        args[0] = "mallory";
        Event e = bus.getHistory().get(0);

        assertThat(e.arg(0)).isEqualTo("ada");
        assertThatThrownBy(() -> e.args().set(0, "mallory")).isInstanceOf(UnsupportedOperationException.class);
    }
}
