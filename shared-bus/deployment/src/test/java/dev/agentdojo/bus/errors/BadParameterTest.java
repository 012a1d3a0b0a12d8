package dev.agentdojo.bus.errors;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventName;
import dev.agentdojo.bus.OnEvent;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** A parameter that is neither the Event nor a typed event fails the build. */
class BadParameterTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Bad.class, Typed.class))
            .assertException(e -> assertThat(e).hasStackTraceContaining("@OnEvent method dev.agentdojo.bus.errors.BadParameterTest$Bad#handle(String)")
                    .hasStackTraceContaining("neither the Event nor a typed event"));

    @EventName("typed:event")
    public record Typed(String id) {
    }

    static class Bad {
        @OnEvent("order:created")
        void handle(String orderId) {
        }
    }

    @Test
    void theBuildFails() {
        fail("the application must not start");
    }
}
