package dev.agentdojo.payments.service;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.OnEvent;
import dev.agentdojo.service.chain.OrderConfirmed;
import dev.agentdojo.service.chain.PaymentFailed;
import dev.agentdojo.service.chain.PaymentRequested;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The payment side of the chain: {@link PaymentRequested} ({@code payment:process}) charges the
 * order and announces {@link OrderConfirmed} ({@code order:confirmed}) or {@link PaymentFailed}
 * ({@code payment:failed}). An order already charged is not charged again; its outcome is
 * announced once, and again only if announcing it did not reach the event log.
 *
 * <p>The database work runs on worker threads; the request's message is acknowledged only when the
 * outcome is on the log (or known to be there already), so a crash in between means the request
 * is handled again, by this or another instance.
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
        // the cause is named explicitly: the outcome is emitted after a hop to a worker thread
        PaymentRequested request = requested.as(PaymentRequested.class);
        String orderId = request.orderId();
        return onWorker(() -> payments.charge(orderId, request.amount(), request.currency()))
                .chain(charge -> announce(requested, charge));
    }

    private Uni<Void> announce(Event requested, Payments.Charge charge) {
        Payment payment = charge.payment();
        String orderId = payment.orderId();
        if (!charge.isNew()) {
            LOG.infof("Order %s was charged before (payment %s); not charged again", orderId, payment.id());
        } else {
            LOG.infof("Order %s: payment %s %s", orderId, payment.id(), payment.status());
        }
        if (!payments.claimAnnouncement(orderId)) {
            return Uni.createFrom().voidItem(); // being announced right now
        }
        Record outcome = payment.approved()
                ? new OrderConfirmed(orderId, payment.id(), payment.amount(), payment.currency())
                : new PaymentFailed(orderId, payment.reason(), payment.amount(), payment.currency());
        return onWorker(() -> payments.isAnnounced(orderId))
                .chain(announced -> announced
                        ? Uni.createFrom().voidItem()
                        : bus.emitCausedBy(requested, outcome).call(() -> onWorker(() -> {
                            payments.announced(orderId);
                            return null;
                        })))
                .onTermination().invoke(() -> payments.release(orderId));
    }

    private static <T> Uni<T> onWorker(java.util.function.Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
