package dev.agentdojo.orders.service;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.OnEvent;
import dev.agentdojo.orders.repository.OrderEventRepository;
import dev.agentdojo.service.chain.ChainEvents;
import dev.agentdojo.service.chain.EventDeadLettered;
import dev.agentdojo.service.chain.OrderConfirmed;
import dev.agentdojo.service.chain.OrderCreated;
import dev.agentdojo.service.chain.PaymentFailed;
import dev.agentdojo.service.chain.PaymentRequested;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The order side of the chain: {@code order:created → payment:process}, and the payment's outcome
 * ({@code order:confirmed} or {@code payment:failed}, from payment-service) settles the order.
 * Every event of a chain is also kept with its order for {@code GET /orders/{id}/events}, and so
 * is the news that one of them was dead-lettered ({@code event:dead-lettered}, from either service).
 */
@ApplicationScoped
public class OrderWorkflow {

    private final EventBus bus;
    private final Orders orders;
    private final ChainEvents chain;
    private final OrderEventRepository events;

    OrderWorkflow(EventBus bus, Orders orders, ChainEvents chain, OrderEventRepository events) {
        this.events = events;
        this.bus = bus;
        this.orders = orders;
        this.chain = chain;
    }

    /**
     * Asks payment-service for the order's payment. Synchronous, so that the request is emitted
     * while {@link Orders#place} collects the order's events: it commits with the order, and is
     * relayed once committed, never lost and never sent for an order that was not stored.
     */
    @OnEvent
    void askForPayment(OrderCreated created) {
        bus.emitSync(new PaymentRequested(created.orderId(), created.amount(), created.currency()));
    }

    /**
     * Completes once the order is updated: only then is the outcome's record acknowledged. An
     * outcome that is not valid, or does not answer the order's own payment request, is refused
     * (and dead-lettered by the bridge); the order stays as it is.
     */
    @OnEvent(OrderConfirmed.NAME)
    Uni<Void> confirm(Event outcome) {
        OrderConfirmed confirmed = chain.read(outcome, OrderConfirmed.class);
        return orders.confirm(outcome, confirmed);
    }

    @OnEvent(PaymentFailed.NAME)
    Uni<Void> fail(Event outcome) {
        PaymentFailed failed = chain.read(outcome, PaymentFailed.class);
        return orders.fail(outcome, failed);
    }

    /**
     * Adds a dead-lettered hop to the order's chain, where it happened (caused by the event set
     * aside); nothing for an order that does not exist, and once per event.
     */
    @OnEvent(EventDeadLettered.NAME)
    Uni<Void> deadLettered(Event news) {
        EventDeadLettered letter = chain.read(news, EventDeadLettered.class);
        return Uni.createFrom().item(() -> {
            events.add(events.chained(letter.orderId(), news));
            return null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()).replaceWithVoid();
    }
}
