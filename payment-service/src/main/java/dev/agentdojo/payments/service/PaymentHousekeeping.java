package dev.agentdojo.payments.service;

import dev.agentdojo.payments.config.PaymentConfig;
import dev.agentdojo.payments.repository.StalledPayment;
import dev.agentdojo.service.lifecycle.Stopping;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * No payment stays {@code CHARGING}: every {@code payment.resume-charging-every}, the payments left
 * {@code CHARGING} for longer than {@code payment.resume-charging-after} — their request dead-lettered
 * or lost while they were charging — are finished by {@link PaymentWorkflow#resume}. Any instance may
 * run it, several at once: the gateway's key and the payment's one outcome keep the order charged and
 * announced once.
 *
 * <p>Each payment is resumed on its own: one that fails is logged with its order and tried again at a
 * later turn, and the turn goes on with the next. Nor can payments that keep failing starve the
 * others turn after turn: a turn takes up to 100 payments in the order they were recorded (oldest
 * first), starting after the last one the previous turn tried, and starts from the oldest again
 * only once it has come to the newest — so every payment left {@code CHARGING} is tried within
 * (their number / 100) turns, however many before it keep failing. A turn stops starting new
 * resumptions after a minute (each may take a minute): the next one goes on from there. A turn
 * cut short by the application stopping says nothing. No turn runs before the bridge has started
 * ({@link BridgeNotStarted}): an outcome announced before would reach no one.
 */
@ApplicationScoped
class PaymentHousekeeping {

    private static final Logger LOG = Logger.getLogger(PaymentHousekeeping.class);
    private static final int PER_TURN = 100;
    /** The longest one payment's resumption is waited for, and after which a turn starts no more. */
    private static final Duration WITHIN = Duration.ofMinutes(1);

    private final Payments payments;
    private final PaymentWorkflow workflow;
    private final Duration after;
    private final int perTurn;
    private final LongSupplier nanoTime;
    /** The last payment tried, where the next turn starts after; null: from the oldest. Only the scheduler's thread (turns never overlap). */
    private StalledPayment.Position next;
    /** Whether the application stops: a turn then running ends, and a failure on the closing database says nothing. */
    private final Stopping stopping;

    @Inject
    PaymentHousekeeping(Payments payments, PaymentWorkflow workflow, PaymentConfig config, Stopping stopping) {
        this(payments, workflow, config.resumeChargingAfter(), PER_TURN, System::nanoTime, stopping);
    }

    PaymentHousekeeping(Payments payments, PaymentWorkflow workflow, Duration after, int perTurn, LongSupplier nanoTime,
                        Stopping stopping) {
        this.stopping = stopping;
        this.payments = payments;
        this.workflow = workflow;
        this.after = after;
        this.perTurn = perTurn;
        this.nanoTime = nanoTime;
    }

    @Scheduled(every = "${payment.resume-charging-every}", delayed = "${payment.resume-charging-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = BridgeNotStarted.class)
    void resumeStalledPayments() {
        List<StalledPayment> stalled;
        try {
            stalled = payments.stalled(after, next, perTurn);
        } catch (RuntimeException e) {
            if (!stopping.now()) {
                LOG.warnf("Could not look for the payments left CHARGING (looked for again at the next turn): %s", e.toString());
            }
            return;
        }
        long started = nanoTime.getAsLong();
        StalledPayment.Position last = null;
        for (StalledPayment payment : stalled) {
            if (stopping.now() || nanoTime.getAsLong() - started > WITHIN.toNanos()) {
                next = last; // the next turn goes on from here
                return;
            }
            last = payment.position();
            try {
                workflow.resume(payment).await().atMost(WITHIN);
            } catch (RuntimeException e) {
                if (stopping.now()) {
                    return;
                }
                LOG.warnf("Order %s: its payment, left CHARGING since %s, could not be resumed (tried again at a later turn; "
                        + "the others are not held up): %s", payment.orderId(), payment.since(), e.toString());
            }
        }
        next = stalled.size() < perTurn ? null : last; // the newest reached: the next turn starts from the oldest again
    }
}
