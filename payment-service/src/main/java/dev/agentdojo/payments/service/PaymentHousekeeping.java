package dev.agentdojo.payments.service;

import dev.agentdojo.payments.config.PaymentConfig;
import dev.agentdojo.payments.repository.PaymentRepository;
import dev.agentdojo.service.lifecycle.Stopping;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;

/**
 * No payment stays {@code CHARGING}: every {@code payment.resume-charging-every}, the payments left
 * {@code CHARGING} for longer than {@code payment.resume-charging-after} — their request dead-lettered
 * or lost while they were charging — are finished by {@link PaymentWorkflow#resume} (up to 100 a
 * turn, oldest first). Any instance may run it, several at once: the gateway's key and the payment's
 * one outcome keep the order charged and announced once. A turn that fails is logged and runs again
 * at the next; one cut short by the application stopping says nothing.
 */
@ApplicationScoped
class PaymentHousekeeping {

    private static final Logger LOG = Logger.getLogger(PaymentHousekeeping.class);
    private static final int PER_TURN = 100;
    private static final Duration TURN_WITHIN = Duration.ofMinutes(1);

    private final Payments payments;
    private final PaymentWorkflow workflow;
    private final Duration after;
    private volatile boolean stopping;

    PaymentHousekeeping(Payments payments, PaymentWorkflow workflow, PaymentConfig config) {
        this.payments = payments;
        this.workflow = workflow;
        this.after = config.resumeChargingAfter();
    }

    @Scheduled(every = "${payment.resume-charging-every}", delayed = "${payment.resume-charging-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void resumeStalledPayments() {
        try {
            List<PaymentRepository.Stalled> stalled = payments.stalled(after, PER_TURN);
            for (PaymentRepository.Stalled payment : stalled) {
                workflow.resume(payment).await().atMost(TURN_WITHIN);
            }
        } catch (RuntimeException e) {
            if (!stopping && !Stopping.explains(e)) {
                LOG.warnf("Could not resume the payments left CHARGING (tried again at the next turn): %s", e.toString());
            }
        }
    }

    void stop(@Observes ShutdownEvent stopped) {
        stopping = true;
    }
}
