package dev.agentdojo.payments.service;

import dev.agentdojo.bus.Bridge;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.inject.Singleton;

/**
 * Skips {@link PaymentHousekeeping}'s turns until the application runs and its bridge has started:
 * before that, an outcome emitted is not collected into the outbox (the bridge sends events on from
 * its start), so a payment finished then would be committed announced to no one.
 */
@Singleton
class BridgeNotStarted implements Scheduled.SkipPredicate {

    private final Scheduled.ApplicationNotRunning notRunning;
    private final Bridge bridge;

    BridgeNotStarted(Scheduled.ApplicationNotRunning notRunning, Bridge bridge) {
        this.notRunning = notRunning;
        this.bridge = bridge;
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        return notRunning.test(execution) || !bridge.isReady();
    }
}
