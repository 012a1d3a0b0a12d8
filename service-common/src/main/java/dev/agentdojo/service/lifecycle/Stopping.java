package dev.agentdojo.service.lifecycle;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Whether the application is stopping. When a service stops, its database (the connection pool)
 * closes while an event received a moment before may still be in a listener, or a scheduled task
 * still running. What fails then is made good after the next start: a
 * task runs again, and an order whose outcome was lost this way is asked for again and its outcome
 * announced again (see payment-service's {@code payment.reannounce-logged-after}), so nothing is lost
 * and there is nothing to tell anyone. Set as the stop begins — the first observer of
 * {@link ShutdownEvent}, which Quarkus fires before it closes the database — so a failure seen after
 * it is the stop's, whatever it says.
 */
@ApplicationScoped
public class Stopping {

    private volatile boolean now;

    void started(@Observes StartupEvent started) {
        now = false;
    }

    void stopping(@Observes @Priority(1) ShutdownEvent stopping) {
        now = true;
    }

    /** Whether the application has begun to stop. */
    public boolean now() {
        return now;
    }
}
