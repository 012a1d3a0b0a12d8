package dev.agentdojo.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready} says whether this instance relays the service's outbox ({@code relaying:
 * true}) or stands by while a sibling does — either is UP, one instance of a service relays at a
 * time — and is DOWN, with the reason, while the relay cannot do its job: its replication slot is
 * missing, or the broker refuses a record ({@link OutboxRelay#problem}).
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
        String problem = relay.problem();
        var response = HealthCheckResponse.named("outbox relay").status(problem == null).withData("relaying", relay.isRelaying());
        return (problem == null ? response : response.withData("problem", problem)).build();
    }
}
