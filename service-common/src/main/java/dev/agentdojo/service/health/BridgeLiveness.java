package dev.agentdojo.service.health;

import dev.agentdojo.bus.Bridge;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * {@code /q/health/live} is DOWN once the bridge's stream of received events has ended while the
 * service runs ({@link Bridge#isReceiving}): nothing but a restart makes it take events again, so
 * the platform is told to restart it, rather than leave an instance that looks alive and takes none.
 */
@Liveness
@ApplicationScoped
public class BridgeLiveness implements HealthCheck {

    private final Bridge bridge;

    BridgeLiveness(Bridge bridge) {
        this.bridge = bridge;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("event consumer stream").status(bridge.isReceiving()).build();
    }
}
