package dev.agentdojo.example;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventName;
import dev.agentdojo.bus.Listener;
import dev.agentdojo.bus.ListenerFailedException;
import dev.agentdojo.bus.StandaloneEventBus;
import dev.agentdojo.bus.Subscription;
import io.smallrye.mutiny.Uni;
import io.vertx.core.eventbus.MessageConsumer;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The seed's {@code event_example.py}, in Java: handlers, once, sync and async emits, a wildcard
 * audit, event chaining between two "services", history and listener management — then what the
 * Java bus adds: failures and the {@code error} event, blocking listeners, {@code order:*}
 * patterns, continuing a chain with {@code emitCausedBy}, {@code onceAsync}, subscriptions, typed
 * events and a Vert.x consumer. On a standalone bus (no Quarkus needed); the annotation-based
 * features ({@code @OnEvent}, {@code @ConsumeEvent}) are shown by {@link QuarkusExample}.
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

        section("7. A failing listener, and the error event");
        bus.on("report:generate", e -> {
            throw new IllegalStateException("disk full");
        });
        bus.on("report:generate", e -> out.printf("the other listener still ran for %s%n", e.arg(0)));
        try {
            bus.emitSync("report:generate", "daily");
        } catch (ListenerFailedException e) {
            out.printf("no error listener: emit_sync threw '%s'%n", e.getCause().getMessage());
        }
        Subscription errors = bus.on(EventBus.ERROR, e -> out.printf("error listener: '%s' while handling %s%n",
                e.arg(0, Throwable.class).getMessage(), e.arg(1, Event.class).name()));
        bus.emitSync("report:generate", "weekly");
        errors.close();
        out.printf("subscription closed: %d error listener(s) left%n", bus.listenerCount(EventBus.ERROR));
        bus.removeAllListeners("report:generate");

        section("8. A listener that blocks");
        bus.onBlocking("file:upload", e -> {
            Thread.sleep(20); // JDBC, a file, a remote call: never on an event loop thread
            out.printf("stored %s%n", e.arg(0));
        });
        bus.emit("file:upload", "photo.png").await().indefinitely();

        section("9. Patterns");
        bus.on("order:*", e -> out.printf("order:* saw %s%n", e.name()));
        bus.emitSync("order:shipped", "order-1");
        bus.emitSync("order:item:added", "order-1"); // two segments after 'order': not matched
        bus.emitSync("user:logout", "ada");
        bus.removeAllListeners();

        section("10. Continuing a chain later: emitCausedBy, onceAsync");
        bus.emitSync("order:placed", "order-2");
        Event placed = bus.getHistory("order:placed").get(0);
        bus.onceAsync("payment:retry", e -> Uni.createFrom().voidItem()
                .invoke(() -> out.printf("retrying payment of %s, same chain: %s%n", e.arg(0),
                        e.correlationId().equals(placed.correlationId()))));
        bus.emitCausedBy(placed, "payment:retry", "order-2").await().indefinitely(); // e.g. from a scheduled job
        boolean again = bus.emitSync("payment:retry", "order-2");
        out.printf("second payment:retry handled: %s%n", again);

        section("11. Typed events");
        bus.on(OrderShipped.NAME, e -> {
            OrderShipped shipped = e.as(OrderShipped.class);
            out.printf("order %s shipped by %s%n", shipped.orderId(), shipped.carrier());
        });
        bus.emitSync(new OrderShipped("order-3", "DHL"));
        List<Event> shipped = bus.getHistory(OrderShipped.NAME);
        out.printf("on the wire its args are %s%n", shipped.get(shipped.size() - 1).args());

        section("12. A Vert.x event bus consumer");
        CountDownLatch received = new CountDownLatch(1);
        MessageConsumer<Event> consumer = bus.vertxConsumer("invoice:sent", message -> {
            out.printf("Vert.x consumer got %s %s%n", message.body().name(), message.body().args());
            received.countDown();
        });
        CompletableFuture<Void> registered = new CompletableFuture<>();
        consumer.completionHandler(done -> registered.complete(null));
        registered.join();
        bus.emitSync("invoice:sent", "inv-1");
        await(received);
        consumer.unregister();
    }

    /** A typed event: the record's components are the event's args, in order. */
    @EventName(OrderShipped.NAME)
    public record OrderShipped(String orderId, String carrier) {
        static final String NAME = "order:shipped";
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the Vert.x consumer got nothing within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
