package dev.agentdojo.bus;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The bounded history (semantic 7). */
class HistoryTest extends BusFixture {

    @Test
    void historyKeepsEventsOldestFirstIncludingOnesNobodyListenedTo() {
        bus.on("user:login", e -> { });
        bus.emitSync("user:login", "ada");
        bus.emitSync("nobody:listens");
        bus.emitSync("user:login", "alan");

        assertThat(bus.getHistory()).extracting(Event::name)
                .containsExactly("user:login", "nobody:listens", "user:login");
        assertThat(bus.getHistory("user:login")).extracting(e -> e.arg(0)).containsExactly("ada", "alan");
    }

    @Test
    void historyKeepsTheLastHundredByDefault() {
        for (int i = 0; i < 150; i++) {
            bus.emitSync("tick", i);
        }

        assertThat(bus.getHistory()).hasSize(EventBusOptions.DEFAULT_HISTORY_SIZE);
        assertThat(bus.getHistory().get(0).arg(0)).isEqualTo(50);
        assertThat(bus.getHistory().get(99).arg(0)).isEqualTo(149);
    }

    @Test
    void historyStaysAtItsSizeAfterAMillionEmits() {
        for (int i = 0; i < 1_000_000; i++) {
            bus.emitSync("tick", i);
        }

        assertThat(bus.getHistory()).hasSize(100);
        assertThat(bus.getHistory().get(99).arg(0)).isEqualTo(999_999);
    }

    @Test
    void clearHistoryForgetsEverything() {
        bus.emitSync("tick");
        bus.clearHistory();

        assertThat(bus.getHistory()).isEmpty();
        bus.emitSync("tock");
        assertThat(bus.getHistory()).extracting(Event::name).containsExactly("tock");
    }

    @Test
    void historySizeIsConfigurableAndZeroTurnsItOff() {
        try (StandaloneEventBus small = EventBus.create(EventBusOptions.defaults().withHistorySize(3));
             StandaloneEventBus none = EventBus.create(EventBusOptions.defaults().withHistorySize(0))) {
            for (int i = 0; i < 5; i++) {
                small.emitSync("tick", i);
                none.emitSync("tick", i);
            }

            assertThat(small.getHistory()).extracting(e -> e.arg(0)).containsExactly(2, 3, 4);
            assertThat(none.getHistory()).isEmpty();
        }
    }

    @Test
    void aReturnedHistoryIsASnapshotThatLaterEmitsDoNotChange() {
        bus.emitSync("tick");
        var before = bus.getHistory();
        bus.emitSync("tock");

        assertThat(before).hasSize(1);
    }
}
