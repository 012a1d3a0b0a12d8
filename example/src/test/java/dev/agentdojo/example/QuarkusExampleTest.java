package dev.agentdojo.example;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Quarkus example runs as a user would run it, and each annotated listener does its part, in order. */
@QuarkusMainTest
class QuarkusExampleTest {

    @Test
    @Launch
    void eachAnnotatedListenerDoesItsPart(LaunchResult result) {
        assertThat(result.getOutputStream()).filteredOn(line -> line.startsWith("@") || line.startsWith("listeners:"))
                .containsExactly(
                        "@OnEvent app:ready, once -> first start",
                        "@OnEvent user:*          -> audit user:login",
                        "@OnEvent user:login      -> welcome ada",
                        "@ConsumeEvent user:login -> ada, id and cause as on the bus: root event",
                        "@OnEvent OrderShipped    -> receipt for order-7 sent (async)",
                        "@OnEvent report:due      -> monthly report written (blocking, on an event loop: false)",
                        "listeners: [order:shipped, report:due, user:*, user:login]");
    }
}
