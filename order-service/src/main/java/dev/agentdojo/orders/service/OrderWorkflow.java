package dev.agentdojo.orders.service;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.OnEvent;
import dev.agentdojo.orders.config.OrdersConfig;
import dev.agentdojo.service.chain.OrderConfirmed;
import dev.agentdojo.service.chain.OrderCreated;
import dev.agentdojo.service.chain.PaymentFailed;
import dev.agentdojo.service.chain.PaymentRequested;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The order side of the chain: {@code order:created → payment:process}, and the payment's outcome
 * ({@code order:confirmed} or {@code payment:failed}, from payment-service) settles the order.
 * Every event of a chain is also kept with its order for {@code GET /orders/{id}/events}, and an
 * order left pending too long has its payment asked for again.
 */
@ApplicationScoped
public class OrderWorkflow {

    private static final Logger LOG = Logger.getLogger(OrderWorkflow.class);
    private static final int MAX_RETRIES_PER_SWEEP = 500;
    private static final String SWEEP = OrderWorkflow.class.getName() + "#askAgainForStalledPayments";

    private final EventBus bus;
    private final Orders orders;
    private final Scheduler scheduler;
    private final Duration retryAfter;
    private final Duration retryMaxWait;
    /** Set when the application stops: a sweep must not start on a database that is closing. */
    private volatile boolean stopping;

    OrderWorkflow(EventBus bus, Orders orders, Scheduler scheduler, OrdersConfig config) {
        this.bus = bus;
        this.orders = orders;
        this.scheduler = scheduler;
        this.retryAfter = config.paymentRetryAfter();
        this.retryMaxWait = config.paymentRetryMaxWait();
        if (retryAfter.isNegative() || retryAfter.isZero() || retryMaxWait.compareTo(retryAfter) < 0) {
            throw new IllegalArgumentException("orders.payment-retry-after must be positive and at most orders.payment-retry-max-wait, were "
                    + retryAfter + " and " + retryMaxWait);
        }
    }

    void start(@Observes StartupEvent started) {
        // The scheduler stops this job with the application, so a dev-mode reload leaves no timer behind.
        scheduler.newJob(SWEEP)
                .setInterval(Duration.ofMillis(Math.max(1, retryAfter.toMillis() / 2)).toString())
                .setConcurrentExecution(ConcurrentExecution.SKIP)
                // not at once: after a restart, the outcomes that arrived meanwhile are consumed first
                .setDelayed(retryAfter.toString())
                .setTask(execution -> askAgainForStalledPayments())
                .schedule();
    }

    /**
     * The order's own events go into its chain as they are emitted; an outcome only when it settles
     * the order ({@link #confirm}, {@link #fail}), so a repeated outcome is not part of the chain.
     */
    @OnEvent({OrderCreated.NAME, PaymentRequested.NAME})
    Uni<Void> recordInChain(Event event) {
        return orders.recordInChain(event);
    }

    /** Completes once the order is updated: only then is the outcome's record acknowledged. */
    @OnEvent(OrderConfirmed.NAME)
    Uni<Void> confirm(Event outcome) {
        OrderConfirmed confirmed = outcome.as(OrderConfirmed.class);
        return orders.confirm(outcome, confirmed.orderId(), confirmed.paymentId());
    }

    @OnEvent(PaymentFailed.NAME)
    Uni<Void> fail(Event outcome) {
        PaymentFailed failed = outcome.as(PaymentFailed.class);
        return orders.fail(outcome, failed.orderId(), failed.reason());
    }

    /**
     * Asks payment-service for the order's payment. Not awaited by the order's own emit: an order is
     * accepted once {@code order:created} is on the log, and a {@code payment:process} that does not
     * get there (the bridge sends it only after its cause) is asked for again by
     * {@link #askAgainForStalledPayments}.
     */
    @OnEvent
    void askForPayment(OrderCreated created) {
        bus.emit(new PaymentRequested(created.orderId(), created.amount(), created.currency(), false))
                .subscribe().with(ok -> { }, failure -> LOG.warnf("Payment of order %s not asked for yet (asked again after %d s): %s",
                        created.orderId(), retryAfter.toSeconds(), failure.getMessage()));
    }

    /**
     * An order still pending after {@code orders.payment-retry-after} has its payment asked for
     * again, in the same chain: its {@code payment:process} may never have reached the log (the
     * broker was away), or payment-service may be down. payment-service charges an order once
     * however often it is asked, so asking again is always safe. Each later ask waits twice as long
     * as the one before, up to {@code orders.payment-retry-max-wait}: a long outage, or a chain
     * that lags behind under load, is not met with a flood of repeated requests.
     */
    void askAgainForStalledPayments() {
        if (stopping) {
            return;
        }
        List<Orders.Stalled> due;
        try {
            due = orders.stalled(Instant.now(), retryAfter, retryMaxWait, MAX_RETRIES_PER_SWEEP);
        } catch (RuntimeException e) {
            if (stopping || orders.closing(e)) {
                return; // the application stopped while this sweep ran: the database is closing, nothing is lost
            }
            LOG.warnf("Could not look for stalled orders (tried again in %d s): %s", retryAfter.toSeconds() / 2, e.toString());
            return;
        }
        for (Orders.Stalled stalled : due) {
            Order order = stalled.order();
            LOG.infof("Order %s is still pending after %d s: asking for its payment again", order.id(),
                    Duration.between(order.createdAt(), Instant.now()).toSeconds());
            PaymentRequested request = new PaymentRequested(order.id(), order.amount(), order.currency(), true);
            try {
                Uni<Void> sent = stalled.created() == null
                        ? bus.emit(request)
                        : bus.emitCausedBy(stalled.created(), request);
                sent.subscribe().with(ok -> { }, failure -> LOG.warnf("Payment of order %s not asked again yet: %s",
                        order.id(), failure.getMessage()));
            } catch (RuntimeException e) {
                LOG.warnf("Payment of order %s not asked again yet: %s", order.id(), e.getMessage());
            }
        }
    }
}
