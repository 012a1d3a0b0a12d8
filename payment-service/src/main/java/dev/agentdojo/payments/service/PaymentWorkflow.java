package dev.agentdojo.payments.service;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.OnEvent;
import dev.agentdojo.bus.bridge.EventTraces;
import dev.agentdojo.payments.model.GatewayResult;
import dev.agentdojo.payments.model.Payment;
import dev.agentdojo.payments.model.PaymentStatus;
import dev.agentdojo.payments.repository.StalledPayment;
import dev.agentdojo.service.chain.ChainEvents;
import dev.agentdojo.service.chain.OrderConfirmed;
import dev.agentdojo.service.chain.PaymentFailed;
import dev.agentdojo.service.chain.PaymentRequested;
import dev.agentdojo.outbox.TransactionalOutbox;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * The payment side of the chain: {@link PaymentRequested} ({@code payment:process}) charges the
 * order and announces {@link OrderConfirmed} ({@code order:confirmed}) or {@link PaymentFailed}
 * ({@code payment:failed}) — once per order, whatever happens in between:
 * <ol>
 *   <li>the payment is committed as {@code CHARGING} ({@link Payments#begin});</li>
 *   <li>the gateway is called outside any transaction, with the order id as its idempotency key;</li>
 *   <li>the outcome and the event that announces it are committed together ({@link Payments#complete}).</li>
 * </ol>
 * A crash anywhere leaves the request unacknowledged; when it comes again, a payment still
 * {@code CHARGING} calls the gateway again with the same key, which answers the first charge's
 * result, so the order is charged once; a payment already final is left alone — unless its outcome
 * was announced to no one (it was finished without its request, below): then the request is
 * answered with the recorded outcome, once. Should the request never come again (dead-lettered, or
 * lost), {@link #resume} finishes the payment from what was recorded ({@code PaymentHousekeeping}
 * looks for such payments). The gateway is always called with the amount and currency recorded
 * first; a request for the same order with another amount or currency is refused (dead-lettered)
 * with that reason, and changes nothing.
 */
@ApplicationScoped
public class PaymentWorkflow {

    private static final Logger LOG = Logger.getLogger(PaymentWorkflow.class);
    /** The service that asks for payments: the source of a request rebuilt from what a payment recorded. */
    private static final String REQUESTER = "order-service";
    private static final AttributeKey<String> GATEWAY_RESULT = AttributeKey.stringKey("agentdojo.payment.status");
    private final EventBus bus;
    private final Payments payments;
    private final PaymentGateway gateway;
    private final TransactionalOutbox outbox;
    private final ChainEvents chain;
    private final EventTraces traces;

    PaymentWorkflow(EventBus bus, Payments payments, PaymentGateway gateway, TransactionalOutbox outbox, ChainEvents chain,
                    EventTraces traces) {
        this.traces = traces;
        this.bus = bus;
        this.chain = chain;
        this.payments = payments;
        this.gateway = gateway;
        this.outbox = outbox;
    }

    @OnEvent(PaymentRequested.NAME)
    Uni<Void> process(Event requested) {
        PaymentRequested request = chain.read(requested, PaymentRequested.class); // refused (dead-lettered) unless valid
        return payments.begin(requested, request)
                .chain(payment -> {
                    if (payment.amount().compareTo(request.amount()) != 0 || !payment.currency().equals(request.currency())) {
                        throw chain.rejected(requested, "mismatch", "it asks for " + request.amount().toPlainString() + " "
                                + request.currency() + ", but the payment of order " + request.orderId() + " was recorded for "
                                + payment.amount().toPlainString() + " " + payment.currency());
                    }
                    if (payment.status() != PaymentStatus.CHARGING) {
                        return answerIfNoOneWasTold(requested, payment);
                    }
                    return chargeAndAnnounce(requested, new PaymentRequested(payment.orderId(), payment.amount(), payment.currency()));
                });
    }

    /**
     * A request for a payment already final: not charged again. Its outcome was announced when it was
     * recorded — unless the payment was finished without its request ({@link #resume}); then this
     * request is answered with the recorded outcome, and recorded as the payment's request with it
     * (in one transaction, once: a second copy, here or on another instance, answers nothing).
     */
    private Uni<Void> answerIfNoOneWasTold(Event requested, Payment payment) {
        return payments.unanswered(payment.orderId()).chain(unanswered -> {
            if (!unanswered) {
                LOG.infof("Order %s was charged before (payment %s, %s); not charged again", payment.orderId(),
                        payment.id(), payment.status());
                return Uni.createFrom().voidItem();
            }
            Record outcome = payment.approved()
                    ? new OrderConfirmed(payment.orderId(), payment.id(), payment.amount(), payment.currency())
                    : new PaymentFailed(payment.orderId(), payment.reason(), payment.amount(), payment.currency());
            TransactionalOutbox.Collected<Uni<Void>> announced = outbox.collect(() -> bus.emitCausedBy(requested, outcome));
            return payments.answer(payment.orderId(), requested, announced.events())
                    .invoke(answered -> LOG.infof(answered
                                    ? "Order %s: payment %s %s, finished before its request came, announced as its answer now"
                                    : "Order %s: payment %s %s, answered before by another instance",
                            payment.orderId(), payment.id(), payment.status()))
                    .replaceWithVoid();
        });
    }

    /**
     * Finishes a payment left {@code CHARGING} whose request may never come again: calls the gateway
     * with the recorded amount and currency (the order id as the key, as the first call did) and
     * announces the outcome as the answer to the recorded request. A payment completed meanwhile (by
     * its request coming again, here or on another instance) is left as it is.
     *
     * <p>A payment recorded before payments kept their request has none to answer, and the request
     * is what an outcome needs: order-service settles an order only with an outcome that names the
     * order's own {@code payment:process} as its cause — an id only that request carries — and
     * refuses (dead-letters) any other. Such a payment is finished all the same from what its row
     * holds (order id, amount, currency: the gateway called under the order's key, its outcome
     * recorded), so it is charged once and no longer {@code CHARGING}, but announced to no one:
     * no event is made up that could only be refused. Its order is settled when its request comes
     * again: a request for a payment final and announced to no one is answered with the recorded
     * outcome ({@link #process}).
     */
    public Uni<Void> resume(StalledPayment stalled) {
        if (stalled.requestId() == null || stalled.correlationId() == null) {
            return finishWithoutItsRequest(stalled);
        }
        PaymentRequested request = new PaymentRequested(stalled.orderId(), stalled.amount(), stalled.currency());
        Event requested = new Event(stalled.requestId(), PaymentRequested.NAME,
                List.of(request.orderId(), request.amount(), request.currency()), stalled.since(), REQUESTER,
                stalled.correlationId(), null);
        LOG.infof("Order %s: payment left CHARGING since %s, resumed", stalled.orderId(), stalled.since());
        return chargeAndAnnounce(requested, request);
    }

    private Uni<Void> finishWithoutItsRequest(StalledPayment stalled) {
        String orderId = stalled.orderId();
        return gateway.charge(orderId, stalled.amount(), stalled.currency())
                .chain(result -> payments.complete(orderId, result, List.of())
                        .invoke(completed -> {
                            if (completed) {
                                LOG.warnf("Order %s: payment left CHARGING since %s, without the request that asked for it (recorded "
                                                + "before payments kept it), finished: %s %s%s; announced to no one, since no outcome "
                                                + "can name its request: its order is settled when that request comes again",
                                        orderId, stalled.since(), result.paymentId(), result.status(),
                                        result.replayed() ? " (the gateway's earlier answer)" : "");
                            }
                        }))
                .replaceWithVoid();
    }

    private Uni<Void> chargeAndAnnounce(Event requested, PaymentRequested request) {
        Span call = traces.startWork("payment gateway charge", requested);
        return gateway.charge(request.orderId(), request.amount(), request.currency())
                .onItemOrFailure().invoke((result, failure) -> {
                    if (failure != null) {
                        call.recordException(failure);
                        call.setStatus(StatusCode.ERROR, failure.toString());
                    } else {
                        call.setAttribute(GATEWAY_RESULT, result.status().name());
                    }
                    call.end();
                })
                .chain(result -> announce(requested, request, result));
    }

    private Uni<Void> announce(Event requested, PaymentRequested request, GatewayResult result) {
        String orderId = request.orderId();
        Record outcome = result.status() == PaymentStatus.APPROVED
                ? new OrderConfirmed(orderId, result.paymentId(), request.amount(), request.currency())
                : new PaymentFailed(orderId, result.reason(), request.amount(), request.currency());
        // emitted now (local listeners run), committed with the payment's outcome; the cause is named explicitly
        TransactionalOutbox.Collected<Uni<Void>> announced = outbox.collect(() -> bus.emitCausedBy(requested, outcome));
        return payments.complete(orderId, result, announced.events())
                .invoke(completed -> LOG.infof(completed ? "Order %s: payment %s %s%s" : "Order %s: payment %s %s%s, completed before by another instance",
                        orderId, result.paymentId(), result.status(), result.replayed() ? " (the gateway's earlier answer)" : ""))
                .replaceWithVoid();
    }
}
