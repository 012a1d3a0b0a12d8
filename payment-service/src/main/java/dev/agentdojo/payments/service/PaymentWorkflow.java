package dev.agentdojo.payments.service;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.ReplayedEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.math.BigDecimal;

/**
 * The payment side of the chain: {@code payment:process (orderId, amount, currency)} charges the
 * order and announces {@code order:confirmed (orderId, paymentId, amount, currency)} or
 * {@code payment:failed (orderId, reason, amount, currency)}. An order already charged is not
 * charged again; its outcome is announced once, and again only if announcing it failed.
 */
@ApplicationScoped
public class PaymentWorkflow {

    static final String PROCESS = "payment:process";
    static final String CONFIRMED = "order:confirmed";
    static final String FAILED = "payment:failed";

    private static final Logger LOG = Logger.getLogger(PaymentWorkflow.class);

    private final EventBus bus;
    private final Payments payments;

    PaymentWorkflow(EventBus bus, Payments payments) {
        this.bus = bus;
        this.payments = payments;
    }

    void start(@Observes StartupEvent started) {
        bus.onAsync(PROCESS, this::process);
    }

    Uni<Void> process(Event e) {
        String orderId = e.arg(0, String.class);
        Payments.Charge charge = payments.charge(orderId, e.arg(1, BigDecimal.class), e.arg(2, String.class));
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
                        ? bus.emit(CONFIRMED, orderId, payment.id(), payment.amount(), payment.currency())
                        : bus.emit(FAILED, orderId, payment.reason(), payment.amount(), payment.currency()))
                .invoke(() -> payments.announced(orderId))
                .onFailure().invoke(() -> payments.notAnnounced(orderId));
    }

    /** At start-up: the payments this service announced come back from the event log, uncharged. */
    void rebuild(@Observes ReplayedEvent replayed) {
        Event e = replayed.event();
        if (!e.source().equals(bus.source())) {
            return;
        }
        if (e.name().equals(CONFIRMED)) {
            payments.rebuild(new Payment(e.arg(1, String.class), e.arg(0, String.class), e.arg(2, BigDecimal.class),
                    e.arg(3, String.class), PaymentStatus.APPROVED, null, e.timestamp()));
        } else if (e.name().equals(FAILED)) {
            payments.rebuild(new Payment(null, e.arg(0, String.class), e.arg(2, BigDecimal.class),
                    e.arg(3, String.class), PaymentStatus.DECLINED, e.arg(1, String.class), e.timestamp()));
        }
    }
}
