package dev.agentdojo.service.deadletters;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The gauge {@code agentdojo_dead_letters_unresolved}: how many of the service's dead letters are
 * neither retried with success nor discarded (state {@code OPEN} or {@code RETRYING}), for every
 * instance the same, read from the database. Read again every 10 s and after each change this
 * instance makes, on a worker thread; a scrape never waits for the database.
 */
@ApplicationScoped
public class DeadLetterGauge {

    private static final Logger LOG = Logger.getLogger(DeadLetterGauge.class);
    private static final long EVERY_MS = 10_000;

    private final DeadLetterRepository letters;
    private final AtomicLong unresolved = new AtomicLong();
    private final Vertx vertx;
    private volatile long timer = -1;

    DeadLetterGauge(DeadLetterRepository letters, MeterRegistry registry, Vertx vertx) {
        this.letters = letters;
        this.vertx = vertx;
        Gauge.builder("agentdojo.dead.letters.unresolved", unresolved, AtomicLong::get)
                .description("dead letters neither retried with success nor discarded")
                .register(registry);
    }

    void start(@Observes StartupEvent started) {
        timer = vertx.setPeriodic(1, EVERY_MS, tick -> vertx.executeBlocking(() -> {
            refresh();
            return null;
        }, false));
    }

    /** Dev mode keeps Vert.x across a reload: the timer must not keep polling the former application. */
    void stop(@Observes ShutdownEvent stopping) {
        vertx.cancelTimer(timer);
    }

    /** Reads the count again (blocking); a database that does not answer leaves the last one. */
    void refresh() {
        try {
            unresolved.set(letters.unresolved());
        } catch (RuntimeException e) {
            LOG.debugf("Could not count the dead letters: %s", e.toString());
        }
    }
}
