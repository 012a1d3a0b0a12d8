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

/** A private method fails the build: the bus could not call it without reflection. */
class PrivateMethodTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Bad.class, Typed.class))
            .assertException(e -> assertThat(e).hasStackTraceContaining("@OnEvent method dev.agentdojo.bus.errors.PrivateMethodTest$Bad#handle(Event)")
                    .hasStackTraceContaining("must not be private"));

    @EventName("typed:event")
    public record Typed(String id) {
    }

    static class Bad {
        @OnEvent("order:created")
        private void handle(Event event) {
        }
    }

    @Test
    void theBuildFails() {
        fail("the application must not start");
    }
}
