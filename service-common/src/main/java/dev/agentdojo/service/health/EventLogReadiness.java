package dev.agentdojo.service.health;

import dev.agentdojo.bus.Bridge;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready} is DOWN until the service has rebuilt its state from the event log and
 * receives events: the HTTP server is up during the replay, but the service must not be sent
 * traffic before it knows its orders or payments.
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
        return HealthCheckResponse.named("event log replayed and connected").status(up).build();
    }
}
