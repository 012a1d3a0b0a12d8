package dev.agentdojo.bus.extension;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** An application that uses the bus without the bridge needs no broker and no connector. */
class WithoutBridgeTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(OnEventProbe.class, ProbeCreated.class))
            .overrideConfigKey("quarkus.application.name", "no-bridge");

    @Inject
    EventBus bus;

    @Inject
    OnEventProbe probe;

    @Test
    void theBusAndItsOnEventMethodsWorkWithoutTheBridge() {
        bus.emitSync("probe:sync", "local");

        assertThat(probe.calls).containsExactly("sync:local");
        assertThat(bus.getHistory()).extracting(Event::source).containsExactly("no-bridge");
    }
}
