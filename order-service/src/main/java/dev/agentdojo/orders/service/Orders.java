package dev.agentdojo.orders.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventNotSentException;
import dev.agentdojo.service.chain.OrderCreated;
import dev.agentdojo.service.lifecycle.Stopping;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The orders and the events of each one's chain, in order-service's database (tables
 * {@code orders} and {@code order_events}), shared by every instance of the service.
 *
 * <p>Every change is one statement or one transaction, safe when several instances and threads
 * change the same order: an outcome moves an order only while it is {@code PENDING}, so a
 * redelivered or late outcome changes nothing; an event is stored once however often it arrives.
 * The writes of every order (its insert, its chain, its outcome) are asynchronous and batched with
 * other orders' ({@link OrderWrites}); the reads and the rare writes are blocking (Hibernate ORM):
 * call those on worker threads, never on an event loop. The gauge
 * {@code agentdojo.orders{status}} counts the orders in the database by status, refreshed every
 * {@code orders.count-every}.
 */
@ApplicationScoped
public class Orders {

    private static final Logger LOG = Logger.getLogger(Orders.class);
    private static final TypeReference<List<Object>> ARGS = new TypeReference<>() { };

    private final EventBus bus;
    private final OrderWrites writes;
    private final ObjectMapper json;
    private final Map<OrderStatus, AtomicLong> byStatus = new EnumMap<>(OrderStatus.class);
    /** Set when the application stops: no count starts on a database that is closing. */
    private volatile boolean stopping;

    /**
     * A pending order whose payment must be asked for again.
     *
     * @param created its {@code order:created} event, so the new request continues its chain (null if not stored)
     */
    public record Stalled(Order order, Event created) {
    }

    Orders(EventBus bus, OrderWrites writes, ObjectMapper json, MeterRegistry registry) {
        this.bus = bus;
        this.writes = writes;
        this.json = json;
        for (OrderStatus status : OrderStatus.values()) {
            byStatus.put(status, registry.gauge("agentdojo.orders", Tags.of("status", status.name()), new AtomicLong()));
        }
    }

    /**
     * Stores a new {@code PENDING} order and emits {@code order:created}; completes with the order
     * once the event is on the event log. When the log cannot take it, fails with
     * {@link EventNotSentException} and the order is deleted again; when too many orders wait for
     * the database, fails with {@link java.util.concurrent.RejectedExecutionException} and nothing is stored.
     */
    public Uni<Order> place(String customer, BigDecimal amount, String currency) {
        return Uni.createFrom().deferred(() -> {
            Context request = Vertx.currentContext(); // the HTTP request's, when called from one
            Order order = Order.pending(UUID.randomUUID().toString(), customer, amount, currency, Instant.now());
            // Once started, an order is placed (or undone) to the end, even when the client stops waiting:
            // cancelling the answer does not cancel the work (a future derived from it is cancelled, not it).
            Uni<Order> answer = Uni.createFrom().completionStage(placeOrUndo(order).thenApply(placed -> placed));
            // The answer reaches the request on the request's own thread, so no other thread touches the
            // request's context while the HTTP layer writes the response.
            return request == null ? answer : answer.emitOn(task -> request.runOnContext(ignored -> task.run()));
        });
    }

    /** Stores the order, then emits {@code order:created}; when the event log refuses it, deletes the order and fails. */
    private CompletableFuture<Order> placeOrUndo(Order order) {
        return writes.insert(order).toCompletableFuture()
                .thenCompose(stored -> bus.emit(new OrderCreated(order.id(), order.customer(), order.amount(), order.currency()))
                        .subscribeAsCompletionStage())
                .thenApply(sent -> order)
                .exceptionallyCompose(failure -> {
                    Throwable cause = failure instanceof CompletionException wrapped && wrapped.getCause() != null ? wrapped.getCause() : failure;
                    if (!(cause instanceof EventNotSentException)) {
                        return CompletableFuture.failedFuture(cause);
                    }
                    return CompletableFuture.runAsync(() -> QuarkusTransaction.requiringNew().run(() -> StoredOrder.deleteById(order.id())),
                                    Infrastructure.getDefaultWorkerPool())
                            .handle((deleted, notDeleted) -> {
                                if (notDeleted != null) {
                                    cause.addSuppressed(notDeleted);
                                }
                                throw new CompletionException(cause);
                            });
                });
    }

    @Transactional
    public Optional<Order> find(String id) {
        return StoredOrder.<StoredOrder>findByIdOptional(id).map(StoredOrder::toOrder);
    }

    /** The newest orders first, at most {@code limit}. */
    @Transactional
    public List<Order> newest(int limit) {
        return StoredOrder.<StoredOrder>find("order by createdAt desc").page(0, limit).stream().map(StoredOrder::toOrder).toList();
    }

    /** The events of the order's chain, in the order they were emitted; empty when the order does not exist. */
    @Transactional
    public Optional<List<Event>> chain(String id) {
        if (StoredOrder.findById(id) == null) {
            return Optional.empty();
        }
        return Optional.of(StoredEvent.<StoredEvent>find("orderId = ?1 order by emittedAt, id", id).stream()
                .map(this::toEvent).toList());
    }

    /** The id of the outcome event that made the order final; empty while it is pending. */
    @Transactional
    public Optional<String> settledBy(String id) {
        return StoredOrder.<StoredOrder>findByIdOptional(id).map(o -> o.settledBy);
    }

    /**
     * Moves a pending order to {@code CONFIRMED} and adds the outcome to its chain; ignored (and
     * logged) if the order is unknown or already final.
     */
    public Uni<Void> confirm(Event outcome, String id, String paymentId) {
        return settle(outcome, id, OrderStatus.CONFIRMED, paymentId, null);
    }

    /** Moves a pending order to {@code PAYMENT_FAILED}, as {@link #confirm} does. */
    public Uni<Void> fail(Event outcome, String id, String reason) {
        return settle(outcome, id, OrderStatus.PAYMENT_FAILED, null, reason);
    }

    /**
     * Adds an event to the chain of the order it is about (its first arg is the order id): once,
     * however often it arrives, and at most {@code orders.max-chain-events} per order.
     */
    public Uni<Void> recordInChain(Event event) {
        if (event.args().isEmpty() || !(event.arg(0) instanceof String id)) {
            return Uni.createFrom().voidItem();
        }
        OrderWrites.ChainEvent chained = chained(id, event);
        return Uni.createFrom().completionStage(() -> writes.record(chained));
    }

    /**
     * Pending orders due to have their payment asked for again at {@code now}: asked for once (when
     * placed) at least {@code firstWait} ago, or {@code n} times at least {@code firstWait × 2^(n-1)}
     * (never more than {@code maxWait}) ago; at most {@code max}, the longest-waiting first. Each is
     * marked as asked for now, once more. Safe with several instances: an order is handed to one of
     * them (rows locked by another are skipped).
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Stalled> stalled(Instant now, Duration firstWait, Duration maxWait, int max) {
        EntityManager em = StoredOrder.getEntityManager();
        // "asked before now - firstWait" follows from the back-off test after it; it is there so the
        // partial index orders_pending bounds the scan to orders waiting at least that long
        List<StoredOrder> due = em.createNativeQuery("""
                        with due as (select id from orders
                                     where status = 'PENDING' and payment_asked_at < ?1
                                       and payment_asked_at < cast(?2 as timestamptz) - make_interval(secs => least(?3 * power(2, least(payment_asks - 1, 30)), ?4))
                                     order by payment_asked_at limit ?5 for update skip locked)
                        update orders o set payment_asked_at = ?2, payment_asks = o.payment_asks + 1
                        from due where o.id = due.id returning o.*""", StoredOrder.class)
                .setParameter(1, now.minus(firstWait))
                .setParameter(2, now)
                .setParameter(3, firstWait.toMillis() / 1000.0)
                .setParameter(4, maxWait.toMillis() / 1000.0)
                .setParameter(5, max)
                .getResultList();
        if (due.isEmpty()) {
            return List.of();
        }
        Map<String, Event> created = new HashMap<>();
        StoredEvent.<StoredEvent>find("orderId in ?1 and name = ?2", due.stream().map(o -> o.id).toList(), OrderCreated.NAME)
                .stream().forEach(e -> created.putIfAbsent(e.orderId, toEvent(e)));
        return due.stream().map(order -> new Stalled(order.toOrder(), created.get(order.id))).toList();
    }

    void stop(@Observes ShutdownEvent stopped) {
        stopping = true;
    }

    boolean isStopping() {
        return stopping;
    }

    /** Whether a failure only means the application is stopping (see {@link Stopping}). */
    boolean closing(RuntimeException failure) {
        return stopping || Stopping.explains(failure);
    }

    /** Refreshes the {@code agentdojo.orders{status}} gauges from the database. */
    @Scheduled(every = "${orders.count-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Orders.WhileStopping.class)
    void countByStatus() {
        Map<OrderStatus, Long> counts = new EnumMap<>(OrderStatus.class);
        try {
            QuarkusTransaction.requiringNew().run(() -> StoredOrder.getEntityManager()
                    .createQuery("select o.status, count(o) from StoredOrder o group by o.status", Object[].class)
                    .getResultList().forEach(row -> counts.put((OrderStatus) row[0], (Long) row[1])));
        } catch (RuntimeException e) {
            if (!closing(e)) {
                LOG.warnf("Could not count the orders by status (tried again soon): %s", e.getMessage());
            }
            return;
        }
        byStatus.forEach((status, gauge) -> gauge.set(counts.getOrDefault(status, 0L)));
    }

    /** Skips the count while the application stops. */
    @jakarta.inject.Singleton
    static class WhileStopping implements Scheduled.SkipPredicate {
        private final Orders orders;

        WhileStopping(Orders orders) {
            this.orders = orders;
        }

        @Override
        public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
            return orders.isStopping(); // a method, not the field: orders is a client proxy
        }
    }

    private Uni<Void> settle(Event outcome, String id, OrderStatus to, String paymentId, String reason) {
        OrderWrites.Outcome applying = new OrderWrites.Outcome(chained(id, outcome), to, paymentId, reason, Instant.now());
        return Uni.createFrom().completionStage(() -> writes.settle(applying))
                .invoke(settled -> {
                    if (settled.moved()) {
                        LOG.infof("Order %s is %s", id, to);
                    } else if (settled.found() == null) {
                        LOG.warnf("Outcome %s for unknown order %s ignored", to, id);
                    } else {
                        LOG.warnf("Outcome %s for order %s ignored: it is already %s", to, id, settled.found());
                    }
                })
                .replaceWithVoid();
    }

    private OrderWrites.ChainEvent chained(String orderId, Event event) {
        return new OrderWrites.ChainEvent(orderId, event, argsJson(event));
    }

    private String argsJson(Event event) {
        try {
            return json.writeValueAsString(event.args());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the args of event " + event.id() + " cannot be stored as JSON", e);
        }
    }

    private Event toEvent(StoredEvent row) {
        try {
            return new Event(row.id, row.name, json.readValue(row.args, ARGS), row.emittedAt, row.source,
                    row.correlationId, row.causationId);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + row.id + " of order " + row.orderId + " has args that are not JSON", e);
        }
    }
}
