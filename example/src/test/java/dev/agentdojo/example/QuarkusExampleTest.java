package dev.agentdojo.example;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Quarkus example runs as a user would run it, and each annotated listener does its part, in order. */
@QuarkusMainTest
class QuarkusExampleTest {

    private static final String CONSUMED = "@ConsumeEvent user:login -> ada, id and cause as on the bus: root event";

    @Test
    @Launch
    void eachAnnotatedListenerDoesItsPart(LaunchResult result) {
        List<String> printed = result.getOutputStream().stream()
                .filter(line -> line.startsWith("@") || line.startsWith("listeners:"))
                .toList();

        // the bus's own listeners run in order on the emitting thread
        assertThat(printed).filteredOn(line -> !line.equals(CONSUMED)).containsExactly(
                "@OnEvent app:ready, once -> first start",
                "@OnEvent user:*          -> audit user:login",
                "@OnEvent user:login      -> welcome ada",
                "@OnEvent OrderShipped    -> receipt for order-7 sent (async)",
                "@OnEvent report:due      -> monthly report written (blocking, on an event loop: false)",
                "listeners: [order:shipped, report:due, user:*, user:login]");
        // the @ConsumeEvent method runs on a Vert.x event loop, beside them: after the emit started,
        // and before the example goes on (it waits for it)
        assertThat(printed.indexOf(CONSUMED)).isBetween(1, 3);
    }
}
