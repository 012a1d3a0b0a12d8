package dev.agentdojo.payments.service;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.OnEvent;
import dev.agentdojo.bus.ReplayedEvent;
import dev.agentdojo.service.chain.OrderConfirmed;
import dev.agentdojo.service.chain.PaymentFailed;
import dev.agentdojo.service.chain.PaymentRequested;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * The payment side of the chain: {@link PaymentRequested} ({@code payment:process}) charges the
 * order and announces {@link OrderConfirmed} ({@code order:confirmed}) or {@link PaymentFailed}
 * ({@code payment:failed}). An order already charged is not charged again; its outcome is
 * announced once, and again only if announcing it failed.
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

    @OnEvent
    Uni<Void> process(PaymentRequested request) {
        String orderId = request.orderId();
        Payments.Charge charge = payments.charge(orderId, request.amount(), request.currency());
        Payment payment = charge.payment();
        if (!charge.isNew()) {
            LOG.infof("Order %s was charged before (payment %s); not charged again", orderId, payment.id());
        } else {
            LOG.infof("Order %s: payment %s %s", orderId, payment.id(), payment.status());
        }
        if (!payments.claimAnnouncement(orderId)) {
            return Uni.createFrom().voidItem(); // announced already, or being announced right now
        }
        return Uni.createFrom().deferred(() -> payment.approved()
                        ? bus.emit(new OrderConfirmed(orderId, payment.id(), payment.amount(), payment.currency()))
                        : bus.emit(new PaymentFailed(orderId, payment.reason(), payment.amount(), payment.currency())))
                .invoke(() -> payments.announced(orderId))
                .onFailure().invoke(() -> payments.notAnnounced(orderId));
    }

    /** At start-up: the payments this service announced come back from the event log, uncharged. */
    void rebuild(@Observes ReplayedEvent replayed) {
        Event e = replayed.event();
        if (!e.source().equals(bus.source())) {
            return;
        }
        if (e.name().equals(OrderConfirmed.NAME)) {
            OrderConfirmed confirmed = e.as(OrderConfirmed.class);
            payments.rebuild(new Payment(confirmed.paymentId(), confirmed.orderId(), confirmed.amount(), confirmed.currency(),
                    PaymentStatus.APPROVED, null, e.timestamp()));
        } else if (e.name().equals(PaymentFailed.NAME)) {
            PaymentFailed failed = e.as(PaymentFailed.class);
            payments.rebuild(new Payment(null, failed.orderId(), failed.amount(), failed.currency(),
                    PaymentStatus.DECLINED, failed.reason(), e.timestamp()));
        }
    }
}
