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

/** An Event parameter and no name fails the build. */
class NoNameTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Bad.class, Typed.class))
            .assertException(e -> assertThat(e).hasStackTraceContaining("@OnEvent method dev.agentdojo.bus.errors.NoNameTest$Bad#handle(Event)")
                    .hasStackTraceContaining("names no event"));

    @EventName("typed:event")
    public record Typed(String id) {
    }

    static class Bad {
        @OnEvent
        void handle(Event event) {
        }
    }

    @Test
    void theBuildFails() {
        fail("the application must not start");
    }
}
