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

/** blocking with a Uni fails the build. */
class BlockingUniTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Bad.class, Typed.class))
            .assertException(e -> assertThat(e).hasStackTraceContaining("@OnEvent method dev.agentdojo.bus.errors.BlockingUniTest$Bad#handle(Event)")
                    .hasStackTraceContaining("blocking = true is for methods that return void"));

    @EventName("typed:event")
    public record Typed(String id) {
    }

    static class Bad {
        @OnEvent(value = "order:created", blocking = true)
        Uni<Void> handle(Event event) {
            return Uni.createFrom().voidItem();
        }
    }

    @Test
    void theBuildFails() {
        fail("the application must not start");
    }
}
