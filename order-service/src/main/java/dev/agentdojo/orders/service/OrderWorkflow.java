package dev.agentdojo.orders.service;

import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.ReplayedEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.math.BigDecimal;

/**
 * The order side of the chain: {@code order:created → payment:process}, and the payment's outcome
 * ({@code order:confirmed} or {@code payment:failed}, from payment-service) settles the order.
 * Every event of a chain is also kept with its order for {@code GET /orders/{id}/events}.
 */
@ApplicationScoped
public class OrderWorkflow {

    private final EventBus bus;
    private final Orders orders;

    OrderWorkflow(EventBus bus, Orders orders) {
        this.bus = bus;
        this.orders = orders;
    }

    void start(@Observes StartupEvent started) {
        bus.on(EventBus.ALL, orders::recordInChain);
        bus.onAsync(OrderEvents.CREATED, e -> bus.emit(OrderEvents.PAYMENT_PROCESS,
                e.arg(0, String.class), e.arg(2, BigDecimal.class), e.arg(3, String.class)));
        bus.on(OrderEvents.CONFIRMED, e -> orders.confirm(e.arg(0, String.class), e.arg(1, String.class)));
        bus.on(OrderEvents.PAYMENT_FAILED, e -> orders.fail(e.arg(0, String.class), e.arg(1, String.class)));
    }

    /** At start-up, before new events: orders come back from the event log, and nothing is re-sent. */
    void rebuild(@Observes ReplayedEvent replayed) {
        orders.rebuild(replayed.event());
    }
}
