package dev.agentdojo.payments.service;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.OnEvent;
import dev.agentdojo.bus.OwnEventLogged;
import dev.agentdojo.service.chain.OrderConfirmed;
import dev.agentdojo.service.chain.PaymentFailed;
import dev.agentdojo.service.chain.PaymentRequested;
import dev.agentdojo.service.lifecycle.Stopping;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import org.jboss.logging.Logger;

/**
 * The payment side of the chain: {@link PaymentRequested} ({@code payment:process}) charges the
 * order and announces {@link OrderConfirmed} ({@code order:confirmed}) or {@link PaymentFailed}
 * ({@code payment:failed}). An order already charged is not charged again; its outcome is
 * announced once, and again only if announcing it failed, or order-service asks again while the
 * outcome was never read back from the log. These decisions are the database's (see
 * {@link Payments#charge}), so they hold across instances and restarts.
 *
 * <p>The database work runs on worker threads; the request's message is acknowledged only once the
 * outcome is on the log (or needs no announcing), so after a crash the request is handled again, by
 * this or another instance.
 */
@ApplicationScoped
public class PaymentWorkflow {

    private static final Logger LOG = Logger.getLogger(PaymentWorkflow.class);

    private final EventBus bus;
    private final Payments payments;

    PaymentWorkflow(EventBus bus, Payments payments) {
        this.bus = bus;
        this.payments = payments;
    }

    @OnEvent(PaymentRequested.NAME)
    Uni<Void> process(Event requested) {
        PaymentRequested request = requested.as(PaymentRequested.class);
        return payments.charge(request.orderId(), request.amount(), request.currency(), request.again())
                .chain(decision -> announce(requested, decision));
    }

    private Uni<Void> announce(Event requested, Payments.Decision decision) {
        Payment payment = decision.payment();
        String orderId = payment.orderId();
        if (decision.isNew()) {
            LOG.infof("Order %s: payment %s %s", orderId, payment.id(), payment.status());
        } else {
            LOG.infof("Order %s was charged before (payment %s); not charged again%s", orderId, payment.id(),
                    decision.announce() ? ", its outcome announced again" : "");
        }
        if (!decision.announce()) {
            return Uni.createFrom().voidItem();
        }
        Record outcome = payment.approved()
                ? new OrderConfirmed(orderId, payment.id(), payment.amount(), payment.currency())
                : new PaymentFailed(orderId, payment.reason(), payment.amount(), payment.currency());
        // the cause is named explicitly: the outcome is emitted after a hop to a worker thread
        return bus.emitCausedBy(requested, outcome)
                .onFailure().call(() -> onWorker(() -> {
                    payments.notAnnounced(orderId);
                    return null;
                }));
    }

    /**
     * An outcome read back from the event log (this instance's or a sibling's) is on the log for
     * sure: recorded, so that asking again never repeats it. Runs on a worker thread; the record is
     * acknowledged after it.
     */
    void logged(@ObservesAsync OwnEventLogged logged) {
        Event e = logged.event();
        try {
            if (e.name().equals(OrderConfirmed.NAME)) {
                payments.logged(e.as(OrderConfirmed.class).orderId());
            } else if (e.name().equals(PaymentFailed.NAME)) {
                payments.logged(e.as(PaymentFailed.class).orderId());
            }
        } catch (RuntimeException failure) {
            if (!Stopping.explains(failure)) { // stopping: unrecorded, the outcome at worst is announced once more
                throw failure;
            }
        }
    }

    private static <T> Uni<T> onWorker(java.util.function.Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
