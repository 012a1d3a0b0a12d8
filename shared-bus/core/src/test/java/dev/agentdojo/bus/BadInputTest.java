package dev.agentdojo.bus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad input gets a clear error and changes nothing (semantic 12, the bus's part). */
class BadInputTest extends BusFixture {

    private static final Listener NOOP = e -> { };

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t", "  \n "})
    void nullOrBlankNamesAreRefused(String name) {
        assertThatThrownBy(() -> bus.on(name, NOOP))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching("event name or pattern must not be (null|blank)");
        assertThatThrownBy(() -> bus.emitSync(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching("event name must not be (null|blank)");
        assertThatThrownBy(() -> bus.emit(name))
                .isInstanceOf(IllegalArgumentException.class);
        assertNothingChanged();
    }

    @ParameterizedTest
    @ValueSource(strings = {"order::created", ":order", "order:", "order created", "order:cre*ted", "ordér:created",
            "order:created\u0000", "order/created", "**"})
    void malformedNamesAreRefusedWithTheReason(String name) {
        assertThatThrownBy(() -> bus.on(name, NOOP))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is malformed:");
        assertThatThrownBy(() -> bus.emitSync(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is malformed:");
        assertNothingChanged();
    }

    @Test
    void patternsCannotBeEmitted() {
        assertThatThrownBy(() -> bus.emitSync("order:*"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'*' is for listener patterns");
        assertThatThrownBy(() -> bus.emitSync("*"))
                .isInstanceOf(IllegalArgumentException.class);
        assertNothingChanged();
    }

    @Test
    void overlongNamesAreRefused() {
        String name = "a".repeat(EventBus.MAX_NAME_LENGTH + 1);
        assertThatThrownBy(() -> bus.emitSync(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256 characters long; at most 255");
        assertNothingChanged();
    }

    @Test
    void nullListenersAreRefused() {
        assertThatThrownBy(() -> bus.on("user:login", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("listener for 'user:login' must not be null");
        assertThatThrownBy(() -> bus.onAsync("user:login", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.onBlocking("user:login", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.once("user:login", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.onceAsync("user:login", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.off("user:login", (Listener) null)).isInstanceOf(IllegalArgumentException.class);
        assertNothingChanged();
    }

    @Test
    void badNamesAreRefusedByEveryOperationThatTakesAName() {
        assertThatThrownBy(() -> bus.off(" ", NOOP)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.removeAllListeners(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.listenerCount("a::b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.getHistory("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badOptionsAreRefused() {
        assertThatThrownBy(() -> EventBusOptions.defaults().withHistorySize(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("history size must be between 0 and 1000000, was -1");
        assertThatThrownBy(() -> EventBusOptions.defaults().withSource(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("source must not be blank");
    }

    @Test
    void aMissingArgumentIsReportedWithTheEventsName() {
        bus.emitSync("user:login", "ada");
        Event e = bus.getHistory().get(0);

        assertThatThrownBy(() -> e.arg(1))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("event 'user:login' has 1 arg(s); there is no arg 1");
    }

    private static void assertNothingChanged() {
        assertThat(bus.eventNames()).isEmpty();
        assertThat(bus.getHistory()).isEmpty();
    }
}
