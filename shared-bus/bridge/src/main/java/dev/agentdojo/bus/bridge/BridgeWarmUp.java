package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBusOptions;
import dev.agentdojo.bus.core.LocalEventBus;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the in-process part of an event's trip — dispatch to sync, async and wildcard listeners,
 * causation, the envelope written to JSON and read back with typed args — a number of times on a
 * scratch bus, so that the first real events find that code compiled rather than interpreted. It
 * runs once, on a thread of its own ({@code event-path-warm-up}), from the moment the service can
 * take events: when its consumer is first assigned partitions (or, with no Kafka consumer, when the
 * bridge starts). Readiness does not wait for it, and it does not take CPU from the start-up before
 * that (on two cores, running beside it made the start-up a second slower; BENCHMARKS.md). It
 * touches neither the application's bus (no listener, history, metric or audit line sees it) nor
 * the broker. The Kafka clients and the application's own listeners stay cold until real events
 * reach them.
 */
@ApplicationScoped
@IfBuildProperty(name = "event-bus.bridge.enabled", stringValue = "true")
public class BridgeWarmUp {

    private static final Logger LOG = Logger.getLogger(BridgeWarmUp.class);

    private final Vertx vertx;
    private final int rounds;
    private final AtomicBoolean begun = new AtomicBoolean();

    BridgeWarmUp(Vertx vertx, BridgeConfig config) {
        this.vertx = vertx;
        this.rounds = config.warmUpRounds();
    }

    /** Starts the warm-up on its own thread, the first time it is called; later calls do nothing. */
    public void begin() {
        if (rounds > 0 && begun.compareAndSet(false, true)) {
            Thread warming = new Thread(() -> run(vertx, rounds), "event-path-warm-up");
            warming.setDaemon(true);
            warming.start();
        }
    }

    /** Runs {@code rounds} rounds; returns how many events the scratch bus dispatched (two a round). */
    static long run(Vertx vertx, int rounds) {
        if (rounds <= 0) {
            return 0;
        }
        long dispatched;
        long start = System.nanoTime();
        long checksum = 0;
        try (LocalEventBus scratch = new LocalEventBus(vertx, false,
                EventBusOptions.defaults().withSource("warm-up").withHistorySize(16))) {
            Event[] process = new Event[1];
            long[] seen = new long[1];
            scratch.on("*", e -> seen[0]++);
            scratch.on("warm-up:process", e -> process[0] = e);
            scratch.on("warm-up:created", e -> scratch.emitSync("warm-up:process", e.arg(0, String.class),
                    e.arg(2, BigDecimal.class), e.arg(3, String.class)));
            scratch.onAsync("warm-up:process", e -> Uni.createFrom().voidItem());
            for (int i = 0; i < rounds; i++) {
                scratch.emitSync("warm-up:created", "order-" + i, "customer", new BigDecimal("19.99"), "EUR");
                Event back = Envelope.decode(Envelope.encode(process[0]));
                checksum += back.arg(1, BigDecimal.class).scale() + back.name().length();
            }
            dispatched = seen[0];
        }
        LOG.infof("Warmed up the event path in %d ms (%d rounds, checksum %d)",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), rounds, checksum);
        return dispatched;
    }
}
