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

/** A static method fails the build: a listener belongs to a bean. */
class StaticMethodTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Bad.class, Typed.class))
            .assertException(e -> assertThat(e).hasStackTraceContaining("@OnEvent method dev.agentdojo.bus.errors.StaticMethodTest$Bad#handle(Event)")
                    .hasStackTraceContaining("must not be static"));

    @EventName("typed:event")
    public record Typed(String id) {
    }

    static class Bad {
        @OnEvent("order:created")
        static void handle(Event event) {
        }
    }

    @Test
    void theBuildFails() {
        fail("the application must not start");
    }
}
