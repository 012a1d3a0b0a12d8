package dev.agentdojo.orders.service;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventNotSentException;
import dev.agentdojo.orders.config.OrdersConfig;
import dev.agentdojo.service.chain.OrderConfirmed;
import dev.agentdojo.service.chain.OrderCreated;
import dev.agentdojo.service.chain.PaymentFailed;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The orders this service knows and the events of each one's chain, in memory.
 *
 * <p>Thread-safe: each order's state changes atomically ({@link ConcurrentHashMap#computeIfPresent});
 * a status, once final, never changes again, so a redelivered or late outcome is ignored. Memory is
 * bounded by {@code orders.max-kept} orders of at most {@code orders.max-chain-events} events each.
 * The gauge {@code agentdojo.orders{status}} counts the orders kept, by status.
 */
@ApplicationScoped
public class Orders {

    private static final Logger LOG = Logger.getLogger(Orders.class);

    private final EventBus bus;
    private final int maxKept;
    private final int maxChainEvents;
    private final Map<String, Tracked> orders = new ConcurrentHashMap<>();
    private final Map<OrderStatus, AtomicLong> byStatus = new EnumMap<>(OrderStatus.class);
    private final Queue<String> oldestFirst = new ConcurrentLinkedQueue<>();

    /** An order, the events of its chain seen here so far, and when its payment was last asked for. */
    private record Tracked(Order order, List<Event> chain, Instant paymentAskedAt) {
        Tracked(Order order) {
            this(order, new ArrayList<>(), order.createdAt());
        }

        Tracked with(Order changed) {
            return new Tracked(changed, chain, paymentAskedAt);
        }
    }

    /**
     * A pending order whose payment must be asked for again.
     *
     * @param created its {@code order:created} event, so the new request continues its chain (null if not kept)
     */
    public record Stalled(Order order, Event created) {
    }

    Orders(EventBus bus, OrdersConfig config, MeterRegistry registry) {
        this.bus = bus;
        this.maxKept = config.maxKept();
        this.maxChainEvents = config.maxChainEvents();
        for (OrderStatus status : OrderStatus.values()) {
            byStatus.put(status, registry.gauge("agentdojo.orders", Tags.of("status", status.name()), new AtomicLong()));
        }
    }

    /**
     * Records a new {@code PENDING} order and emits {@code order:created}; completes with the order
     * once the event is on the event log. When the log cannot take it, fails with
     * {@link EventNotSentException} and the order does not exist.
     */
    public Uni<Order> place(String customer, BigDecimal amount, String currency) {
        Order order = Order.pending(UUID.randomUUID().toString(), customer, amount, currency, Instant.now());
        orders.put(order.id(), new Tracked(order));
        byStatus.get(OrderStatus.PENDING).incrementAndGet();
        oldestFirst.add(order.id());
        forgetOldestFinalOrders();
        return Uni.createFrom().deferred(() -> bus.emit(new OrderCreated(order.id(), customer, amount, currency)))
                .onFailure(EventNotSentException.class).invoke(() -> {
                    if (orders.remove(order.id()) != null) {
                        byStatus.get(OrderStatus.PENDING).decrementAndGet();
                    }
                })
                .replaceWith(order);
    }

    public Optional<Order> find(String id) {
        return Optional.ofNullable(orders.get(id)).map(Tracked::order);
    }

    /** The newest orders first, at most {@code limit}. */
    public List<Order> newest(int limit) {
        return orders.values().stream()
                .map(Tracked::order)
                .sorted(Comparator.comparing(Order::createdAt).reversed())
                .limit(limit)
                .toList();
    }

    /** The events of the order's chain seen by this service, in the order they happened here. */
    public Optional<List<Event>> chain(String id) {
        Tracked tracked = orders.get(id);
        if (tracked == null) {
            return Optional.empty();
        }
        synchronized (tracked.chain()) {
            return Optional.of(List.copyOf(tracked.chain()));
        }
    }

    /** Moves a pending order to {@code CONFIRMED}; ignored (and logged) if it is unknown or already final. */
    public void confirm(String id, String paymentId) {
        settle(id, OrderStatus.CONFIRMED, order -> order.confirmed(paymentId, Instant.now()));
    }

    /** Moves a pending order to {@code PAYMENT_FAILED}; ignored (and logged) if it is unknown or already final. */
    public void fail(String id, String reason) {
        settle(id, OrderStatus.PAYMENT_FAILED, order -> order.failed(reason, Instant.now()));
    }

    /** Adds an event to the chain of the order it is about (its first arg is the order id). */
    public void recordInChain(Event event) {
        if (event.args().isEmpty() || !(event.arg(0) instanceof String id)) {
            return;
        }
        Tracked tracked = orders.get(id);
        if (tracked == null) {
            return;
        }
        synchronized (tracked.chain()) {
            if (tracked.chain().size() < maxChainEvents) {
                tracked.chain().add(event);
            }
        }
    }

    /** Rebuilds an order from an event of the log, without emitting anything. */
    public void rebuild(Event event) {
        switch (event.name()) {
            case OrderCreated.NAME -> {
                OrderCreated created = event.as(OrderCreated.class);
                Order order = Order.pending(created.orderId(), created.customer(), created.amount(), created.currency(),
                        event.timestamp());
                if (orders.putIfAbsent(order.id(), new Tracked(order)) == null) {
                    byStatus.get(OrderStatus.PENDING).incrementAndGet();
                    oldestFirst.add(order.id());
                }
            }
            case OrderConfirmed.NAME -> {
                OrderConfirmed confirmed = event.as(OrderConfirmed.class);
                transition(confirmed.orderId(), OrderStatus.CONFIRMED,
                        order -> order.confirmed(confirmed.paymentId(), event.timestamp()));
            }
            case PaymentFailed.NAME -> {
                PaymentFailed failed = event.as(PaymentFailed.class);
                transition(failed.orderId(), OrderStatus.PAYMENT_FAILED, order -> order.failed(failed.reason(), event.timestamp()));
            }
            default -> {
                return;
            }
        }
        recordInChain(event);
    }

    /**
     * Pending orders whose payment was last asked for before {@code askedBefore}, at most
     * {@code max}; each is marked as asked for now, so that it comes back only after another wait.
     */
    public List<Stalled> stalled(Instant askedBefore, int max) {
        List<Stalled> out = new ArrayList<>();
        Instant now = Instant.now();
        for (String id : orders.keySet()) {
            if (out.size() >= max) {
                break;
            }
            Tracked marked = orders.computeIfPresent(id, (key, t) -> !t.order().status().isFinal()
                    && t.paymentAskedAt().isBefore(askedBefore) ? new Tracked(t.order(), t.chain(), now) : t);
            if (marked != null && now.equals(marked.paymentAskedAt())) {
                Event created;
                synchronized (marked.chain()) {
                    created = marked.chain().stream().filter(e -> e.name().equals(OrderCreated.NAME)).findFirst().orElse(null);
                }
                out.add(new Stalled(marked.order(), created));
            }
        }
        return out;
    }

    /** Moves a pending order to {@code to}; returns the order as it is afterwards, null if unknown. */
    private Tracked transition(String id, OrderStatus to, UnaryOperator<Order> change) {
        boolean[] moved = {false};
        Tracked after = orders.computeIfPresent(id, (key, tracked) -> {
            if (tracked.order().status().isFinal()) {
                return tracked;
            }
            moved[0] = true;
            return tracked.with(change.apply(tracked.order()));
        });
        if (moved[0]) {
            byStatus.get(OrderStatus.PENDING).decrementAndGet();
            byStatus.get(to).incrementAndGet();
        }
        return after;
    }

    private void settle(String id, OrderStatus to, UnaryOperator<Order> change) {
        Tracked after = transition(id, to, change);
        if (after == null) {
            LOG.warnf("Outcome %s for unknown order %s ignored", to, id);
        } else if (after.order().status() != to) {
            LOG.warnf("Outcome %s for order %s ignored: it is already %s", to, id, after.order().status());
        } else {
            LOG.infof("Order %s is %s", id, to);
        }
    }

    private void forgetOldestFinalOrders() {
        while (orders.size() > maxKept) {
            String oldest = oldestFirst.peek();
            Tracked tracked = oldest == null ? null : orders.get(oldest);
            if (tracked != null && !tracked.order().status().isFinal()) {
                return; // never forget a pending order; the map may exceed the bound until it settles
            }
            oldestFirst.poll();
            Tracked forgotten = oldest == null ? null : orders.remove(oldest);
            if (forgotten != null) {
                byStatus.get(forgotten.order().status()).decrementAndGet();
            }
        }
    }
}
