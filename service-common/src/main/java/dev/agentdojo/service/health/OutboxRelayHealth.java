package dev.agentdojo.service.health;

import dev.agentdojo.service.outbox.OutboxRelay;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready} says whether this instance relays the service's outbox ({@code relaying:
 * true}) or stands by while a sibling does. Either is UP: one instance of a service relays at a time.
 */
@Readiness
@ApplicationScoped
public class OutboxRelayHealth implements HealthCheck {

    private final OutboxRelay relay;

    OutboxRelayHealth(OutboxRelay relay) {
        this.relay = relay;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("outbox relay").up().withData("relaying", relay.isRelaying()).build();
    }
}
