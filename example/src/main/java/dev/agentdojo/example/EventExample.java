package dev.agentdojo.example;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.Listener;
import dev.agentdojo.bus.StandaloneEventBus;
import io.smallrye.mutiny.Uni;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * The seed's {@code event_example.py}, in Java: handlers, once, sync and async emits, a wildcard
 * audit, event chaining between two "services", history and listener management, on a standalone
 * bus (no Quarkus needed).
 *
 * <pre>
 * ./mvnw -q -pl example -am compile exec:java
 * </pre>
 */
public final class EventExample {

    private final EventBus bus;
    private final PrintStream out;

    EventExample(EventBus bus, PrintStream out) {
        this.bus = bus;
        this.out = out;
    }

    public static void main(String[] args) {
        try (StandaloneEventBus bus = EventBus.create()) {
            new EventExample(bus, System.out).run();
        }
    }

    /** The services of the seed's microservices example: each listens to the other's events. */
    static final class OrderService {
        OrderService(EventBus bus, PrintStream out) {
            bus.onAsync("order:created", e -> {
                out.printf("[orders]   order %s created for %s (%s)%n", e.arg(0), e.arg(1), e.arg(2));
                return bus.emit("payment:process", e.arg(0), e.arg(2, BigDecimal.class));
            });
            bus.on("order:confirmed", e -> out.printf("[orders]   order %s confirmed%n", e.arg(0)));
        }
    }

    static final class PaymentService {
        PaymentService(EventBus bus, PrintStream out) {
            bus.onAsync("payment:process", e -> {
                out.printf("[payments] charging %s for order %s%n", e.arg(1), e.arg(0));
                return bus.emit("order:confirmed", e.arg(0));
            });
        }
    }

    void run() {
        section("1. Handlers and emit_sync");
        Listener onUserLogin = e -> out.printf("User %s logged in at %s%n", e.arg(0), e.arg(1));
        bus.on("user:login", onUserLogin);
        bus.emitSync("user:login", "john_doe", Instant.parse("2026-01-01T09:00:00Z"));

        section("2. Once");
        bus.once("first:visit", e -> out.printf("Welcome %s!%n", e.arg(0)));
        bus.emitSync("first:visit", "ada");
        boolean handled = bus.emitSync("first:visit", "ada");
        out.printf("second first:visit handled: %s%n", handled);

        section("3. Async handlers and emit");
        bus.onAsync("system:alert", e -> Uni.createFrom().item(e.arg(1))
                .invoke(message -> out.printf("ALERT %s: %s%n", e.arg(0), message)));
        bus.emit("system:alert", "HIGH_CPU", "CPU usage exceeded 90%").await().indefinitely();

        section("4. Wildcard audit and chaining between services");
        bus.on("*", e -> out.printf("[AUDIT] Event '%s' triggered%s%n", e.name(),
                e.isRoot() ? "" : " (caused by " + causeName(e) + ")"));
        new OrderService(bus, out);
        new PaymentService(bus, out);
        bus.emit("order:created", "order-1", "john_doe", new BigDecimal("99.90")).await().indefinitely();

        section("5. History");
        out.printf("history holds %d events%n", bus.getHistory().size());
        for (Event e : bus.getHistory("order:confirmed")) {
            out.printf("order:confirmed %s in chain %s%n", e.args(), shortId(e.correlationId()));
        }
        bus.clearHistory();
        out.printf("after clear_history: %d events%n", bus.getHistory().size());

        section("6. Event information and listener management");
        out.printf("event names: %s%n", bus.eventNames().stream().sorted().toList());
        out.printf("listeners of user:login: %d%n", bus.listenerCount("user:login"));
        bus.off("user:login", onUserLogin);
        out.printf("after off: %d%n", bus.listenerCount("user:login"));
        bus.removeAllListeners("order:created");
        out.printf("after remove_all_listeners('order:created'): %s%n", bus.eventNames().stream().sorted().toList());
        bus.removeAllListeners();
        out.printf("after remove_all_listeners(): %s%n", bus.eventNames());
    }

    private String causeName(Event e) {
        return bus.getHistory().stream()
                .filter(candidate -> candidate.id().equals(e.causationId()))
                .map(Event::name)
                .findFirst()
                .orElse(shortId(e.causationId()));
    }

    private static String shortId(String id) {
        return id.substring(id.length() - 8);
    }

    private void section(String title) {
        out.println();
        out.println("== " + title);
    }
}
