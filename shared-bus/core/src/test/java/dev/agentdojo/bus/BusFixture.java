package dev.agentdojo.bus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** One standalone bus per test class (a Vert.x start is not free), emptied before each test. */
abstract class BusFixture {

    static StandaloneEventBus bus;

    @BeforeAll
    static void startBus() {
        bus = EventBus.create(EventBusOptions.defaults().withSource("test"));
    }

    @AfterAll
    static void closeBus() {
        bus.close();
    }

    @BeforeEach
    void emptyBus() {
        bus.removeAllListeners();
        bus.clearHistory();
    }
}
