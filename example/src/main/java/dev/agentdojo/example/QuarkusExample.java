package dev.agentdojo.example;

import dev.agentdojo.bus.EventBus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The annotation-based features in a Quarkus application: the bus injected, {@code @OnEvent}
 * methods of every kind, and {@code @ConsumeEvent} (see {@link Notifications}).
 *
 * <pre>
 * ./mvnw -q -pl example -am package -DskipTests
 * java -jar example/target/quarkus-app/quarkus-run.jar
 * </pre>
 */
@QuarkusMain
public class QuarkusExample implements QuarkusApplication {

    /** Counted down by the {@code @ConsumeEvent} method, which runs on Vert.x after the emit. */
    static volatile CountDownLatch consumed = new CountDownLatch(1);

    @Inject
    EventBus bus;

    @Override
    public int run(String... args) throws Exception {
        consumed = new CountDownLatch(1);
        bus.emitSync("app:ready");
        bus.emitSync("app:ready");
        bus.emitSync("user:login", "ada");
        if (!consumed.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the @ConsumeEvent method got nothing within 10 s");
        }
        bus.emit(new EventExample.OrderShipped("order-7", "DHL")).await().indefinitely();
        bus.emit("report:due", "monthly").await().indefinitely();
        System.out.printf("listeners: %s%n", bus.eventNames().stream().sorted().toList());
        return 0;
    }
}
