package dev.agentdojo.example;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.OnEvent;
import io.quarkus.vertx.ConsumeEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

import java.time.Duration;

/**
 * Listeners declared on a bean, the way a Quarkus application writes them: {@code @OnEvent} methods
 * the bus registers at start-up, and a plain Vert.x {@code @ConsumeEvent} method that receives the
 * bus's events too. No scope is needed: a class with {@code @OnEvent} methods becomes a singleton.
 */
public class Notifications {

    @OnEvent("user:login")
    void welcome(Event login) {
        System.out.printf("@OnEvent user:login      -> welcome %s%n", login.arg(0));
    }

    @OnEvent("user:*")
    void audit(Event event) {
        System.out.printf("@OnEvent user:*          -> audit %s%n", event.name());
    }

    /** A typed event, and async: the emit completes when the receipt is sent. */
    @OnEvent
    Uni<Void> sendReceipt(EventExample.OrderShipped shipped) {
        return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(50))
                .invoke(() -> System.out.printf("@OnEvent OrderShipped    -> receipt for %s sent (async)%n", shipped.orderId()));
    }

    @OnEvent(value = "report:due", blocking = true)
    void writeReport(Event due) throws InterruptedException {
        Thread.sleep(20); // blocking work: never on an event loop thread
        System.out.printf("@OnEvent report:due      -> %s report written (blocking, on an event loop: %s)%n",
                due.arg(0), Context.isOnEventLoopThread());
    }

    @OnEvent(value = "app:ready", once = true)
    void firstStart(Event ready) {
        System.out.printf("@OnEvent app:ready, once -> first start%n");
    }

    @ConsumeEvent("user:login")
    void onVertx(Event login) {
        System.out.printf("@ConsumeEvent user:login -> %s, id and cause as on the bus: %s%n", login.arg(0),
                login.isRoot() ? "root event" : "caused by " + login.causationId());
        QuarkusExample.consumed.countDown();
    }
}
