package dev.agentdojo.bus.extension;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentdojo.bus.Event;
import io.quarkus.devui.tests.DevUIJsonRPCTest;
import io.quarkus.test.QuarkusDevModeTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Dev UI's JSON-RPC methods, on an application in dev mode: listeners, and the chained history. */
class DevUiTest extends DevUIJsonRPCTest {

    @RegisterExtension
    static final QuarkusDevModeTest DEV = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClasses(OnEventProbe.class, ProbeCreated.class, StartupEmitter.class));

    DevUiTest() {
        super("shared-bus");
    }

    @Test
    void theListenersPageNamesEachOnEventMethod() throws Exception {
        JsonNode listeners = executeJsonRPCMethod("getListeners");

        List<String> described = new ArrayList<>();
        listeners.forEach(l -> described.add(l.get("nameOrPattern").asText() + " " + l.get("kind").asText() + " "
                + l.get("once").asBoolean() + " " + l.get("listener").asText()));
        assertThat(described).contains(
                "probe:sync SYNC false dev.agentdojo.bus.extension.OnEventProbe#sync(Event)",
                "probe:a:* SYNC false dev.agentdojo.bus.extension.OnEventProbe#patterns(Event)",
                "probe:created ASYNC false dev.agentdojo.bus.extension.OnEventProbe#created(ProbeCreated)",
                "probe:blocking BLOCKING false dev.agentdojo.bus.extension.OnEventProbe#blocking(Event)",
                "probe:once SYNC true dev.agentdojo.bus.extension.OnEventProbe#once(Event)");
    }

    @Test
    void theEventLogShowsEachEventWithItsCause() throws Exception {
        JsonNode history = executeJsonRPCMethod("getHistory");

        JsonNode cause = find(history, "probe:emits");
        JsonNode effect = find(history, "probe:sync");
        assertThat(effect.get("causationId").asText()).isEqualTo(cause.get("id").asText());
        assertThat(effect.get("correlationId").asText()).isEqualTo(cause.get("correlationId").asText());
        assertThat(effect.get("args").get(0).asText()).isEqualTo("caused by " + cause.get("id").asText());
    }

    private static JsonNode find(JsonNode events, String name) {
        for (JsonNode event : events) {
            if (event.get("name").asText().equals(name)) {
                return event;
            }
        }
        throw new AssertionError("no event '" + name + "' in " + events);
    }
}
