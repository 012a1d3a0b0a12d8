package dev.agentdojo.service.health;

import dev.agentdojo.bus.Bridge;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready} is DOWN until the bridge has started: its listeners are in place and it
 * consumes events. (The database's own check, from Agroal, is DOWN while the database is away.)
 */
@Readiness
@ApplicationScoped
public class EventLogReadiness implements HealthCheck {

    private final Instance<Bridge> bridge;

    EventLogReadiness(Instance<Bridge> bridge) {
        this.bridge = bridge;
    }

    @Override
    public HealthCheckResponse call() {
        boolean up = !bridge.isResolvable() || bridge.get().isReady();
        return HealthCheckResponse.named("event bridge started").status(up).build();
    }
}
