package dev.agentdojo.example;

import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.StandaloneEventBus;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The example prints what the seed's example shows, in the order it shows it. */
class EventExampleTest {

    @Test
    void theExamplePrintsEveryFeatureInOrder() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (StandaloneEventBus bus = EventBus.create();
             PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            new EventExample(bus, out).run();
        }
        String printed = buffer.toString(StandardCharsets.UTF_8);

        assertThat(printed.lines().filter(line -> !line.isBlank())).containsExactly(
                "== 1. Handlers and emit_sync",
                "User john_doe logged in at 2026-01-01T09:00:00Z",
                "== 2. Once",
                "Welcome ada!",
                "second first:visit handled: false",
                "== 3. Async handlers and emit",
                "ALERT HIGH_CPU: CPU usage exceeded 90%",
                "== 4. Wildcard audit and chaining between services",
                "[AUDIT] Event 'order:created' triggered",
                "[orders]   order order-1 created for john_doe (99.90)",
                "[AUDIT] Event 'payment:process' triggered (caused by order:created)",
                "[payments] charging 99.90 for order order-1",
                "[AUDIT] Event 'order:confirmed' triggered (caused by payment:process)",
                "[orders]   order order-1 confirmed",
                "== 5. History",
                "history holds 7 events",
                "order:confirmed [order-1] in chain " + lastChainId(printed),
                "after clear_history: 0 events",
                "== 6. Event information and listener management",
                "event names: [*, order:confirmed, order:created, payment:process, system:alert, user:login]",
                "listeners of user:login: 1",
                "after off: 0",
                "after remove_all_listeners('order:created'): [*, order:confirmed, payment:process, system:alert]",
                "after remove_all_listeners(): []",
                "== 7. A failing listener, and the error event",
                "the other listener still ran for daily",
                "no error listener: emit_sync threw 'disk full'",
                "the other listener still ran for weekly",
                "error listener: 'disk full' while handling report:generate",
                "subscription closed: 0 error listener(s) left",
                "== 8. A listener that blocks",
                "stored photo.png",
                "== 9. Patterns",
                "order:* saw order:shipped",
                "== 10. Continuing a chain later: emitCausedBy, onceAsync",
                "retrying payment of order-2, same chain: true",
                "second payment:retry handled: false",
                "== 11. Typed events",
                "order order-3 shipped by DHL",
                "on the wire its args are [order-3, DHL]",
                "== 12. A Vert.x event bus consumer",
                "Vert.x consumer got invoice:sent [inv-1]");
    }

    private static String lastChainId(String printed) {
        return printed.lines().filter(l -> l.startsWith("order:confirmed [order-1] in chain "))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .filter(id -> id.matches("[0-9a-f]{8}"))
                .findFirst().orElse("<no chain id printed>");
    }
}
