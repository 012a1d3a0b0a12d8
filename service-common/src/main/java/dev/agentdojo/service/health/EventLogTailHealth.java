package dev.agentdojo.service.health;

import dev.agentdojo.bus.EventLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready} says whether the live event log ({@code GET /events}, the page's stream)
 * reads the topic now ({@code following}). UP either way: the log is for people watching, and it
 * follows again by itself when the broker is back; the service's own consumer has a check of its own.
 */
@Readiness
@ApplicationScoped
public class EventLogTailHealth implements HealthCheck {

    private final Instance<EventLog> log;

    EventLogTailHealth(Instance<EventLog> log) {
        this.log = log;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("event log").up()
                .withData("following", log.isResolvable() && log.get().isFollowing()).build();
    }
}
