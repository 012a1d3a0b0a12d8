package dev.agentdojo.orders.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.orders.config.OrdersConfig;
import dev.agentdojo.service.chain.ChainEvents;
import dev.agentdojo.service.chain.InvalidEventException;
import dev.agentdojo.service.chain.OrderConfirmed;
import dev.agentdojo.service.chain.OrderCreated;
import dev.agentdojo.service.chain.PaymentFailed;
import dev.agentdojo.service.lifecycle.Stopping;
import dev.agentdojo.service.outbox.TransactionalOutbox;
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
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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
    private final TransactionalOutbox outbox;
    private final ChainEvents chain;
    private final ObjectMapper json;
    private final Duration keyTtl;
    private final Map<OrderStatus, AtomicLong> byStatus = new EnumMap<>(OrderStatus.class);
    /** Set when the application stops: no count starts on a database that is closing. */
    private volatile boolean stopping;

    /**
     * The answer to a request to place an order.
     *
     * @param placed false when an earlier request with the same idempotency key placed {@code order}
     */
    public record Placement(Order order, boolean placed) {
    }

    /** An idempotency key sent again with another request than the one it was first used for. */
    public static class KeyReusedException extends RuntimeException {
        public KeyReusedException(String key) {
            super("Idempotency-Key '" + key + "' was used for another request; send a new key for a new order");
        }
    }

    Orders(EventBus bus, OrderWrites writes, TransactionalOutbox outbox, ChainEvents chain, ObjectMapper json,
           MeterRegistry registry, OrdersConfig config) {
        this.bus = bus;
        this.chain = chain;
        this.writes = writes;
        this.outbox = outbox;
        this.json = json;
        this.keyTtl = config.idempotencyKeyTtl();
        for (OrderStatus status : OrderStatus.values()) {
            byStatus.put(status, registry.gauge("agentdojo.orders", Tags.of("status", status.name()), new AtomicLong()));
        }
    }

    /**
     * Places a new {@code PENDING} order: emits {@code order:created} (its synchronous listeners
     * run now, and ask for the payment), and commits the order, its chain and the events that
     * cross to payment-service in one transaction; completes once committed. The broker is not
     * waited for: the outbox relay sends the events on. With an idempotency {@code key}, a request
     * the key was used for before is answered with that request's order, and nothing is placed;
     * when that request was another one (another customer, amount or currency), fails with
     * {@link KeyReusedException}. When too many orders wait for the database, fails with
     * {@link java.util.concurrent.RejectedExecutionException} and nothing is stored.
     */
    public Uni<Placement> place(String customer, BigDecimal amount, String currency, String key) {
        return Uni.createFrom().deferred(() -> {
            Context request = Vertx.currentContext(); // the HTTP request's, when called from one
            Order order = Order.pending(UUID.randomUUID().toString(), customer, amount, currency, Instant.now());
            String fingerprint = key == null ? null : fingerprint(customer, amount, currency);
            CompletableFuture<Placement> work = key == null
                    ? placeNew(order, null, null)
                    : CompletableFuture.supplyAsync(() -> writes.earlier(key), Infrastructure.getDefaultWorkerPool())
                            .thenCompose(earlier -> earlier.isPresent()
                                    ? answerEarlier(key, earlier.get(), fingerprint)
                                    : placeNew(order, key, fingerprint));
            // Once started, an order is placed to the end, even when the client stops waiting:
            // cancelling the answer does not cancel the work (a future derived from it is cancelled, not it).
            Uni<Placement> answer = Uni.createFrom().completionStage(work.thenApply(placed -> placed));
            // The answer reaches the request on the request's own thread, so no other thread touches the
            // request's context while the HTTP layer writes the response.
            return request == null ? answer : answer.emitOn(task -> request.runOnContext(ignored -> task.run()));
        });
    }

    private CompletableFuture<Placement> placeNew(Order order, String key, String fingerprint) {
        TransactionalOutbox.Collected<Boolean> emitted = outbox.collect(() ->
                bus.emitSync(new OrderCreated(order.id(), order.customer(), order.amount(), order.currency())));
        List<OrderWrites.ChainEvent> chain = emitted.events().stream().map(e -> chained(order.id(), e.event())).toList();
        return writes.place(new OrderWrites.NewOrder(order, chain, emitted.events(), key, fingerprint)).toCompletableFuture()
                .thenCompose(placed -> placed.placed()
                        ? CompletableFuture.completedFuture(new Placement(order, true))
                        : answerEarlier(key, placed, fingerprint)); // the same key, placed meanwhile by a concurrent request
    }

    private CompletableFuture<Placement> answerEarlier(String key, OrderWrites.Placed earlier, String fingerprint) {
        if (!earlier.fingerprint().equals(fingerprint)) {
            return CompletableFuture.failedFuture(new KeyReusedException(key));
        }
        return CompletableFuture.supplyAsync(() -> new Placement(find(earlier.orderId()).orElseThrow(() ->
                new IllegalStateException("idempotency key " + key + " names order " + earlier.orderId() + ", which does not exist")),
                false), Infrastructure.getDefaultWorkerPool());
    }

    /** What identifies a request to place an order, whatever the JSON's spacing or the amount's trailing zeros. */
    private static String fingerprint(String customer, BigDecimal amount, String currency) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((customer + "\u0000" + amount.stripTrailingZeros().toPlainString()
                    + "\u0000" + currency).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Forgets the idempotency keys older than {@code orders.idempotency-key-ttl}. */
    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void expireIdempotencyKeys() {
        try {
            QuarkusTransaction.requiringNew().run(() -> StoredOrder.getEntityManager()
                    .createNativeQuery("delete from idempotency_keys where created_at < ?1")
                    .setParameter(1, Instant.now().minus(keyTtl))
                    .executeUpdate());
        } catch (RuntimeException e) {
            if (!closing(e)) {
                LOG.warnf("Could not forget old idempotency keys (tried again later): %s", e.getMessage());
            }
        }
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
     * Moves a pending order to {@code CONFIRMED} and adds the outcome to its chain, if the outcome
     * answers the order's own payment request (it names that request as its cause, and its amount
     * and currency are the order's); ignored (and logged) if the order is already final. An outcome
     * for no order, or not for this order's request, fails with {@link InvalidEventException}.
     */
    public Uni<Void> confirm(Event outcome, OrderConfirmed confirmed) {
        return settle(outcome, confirmed.orderId(), OrderStatus.CONFIRMED, confirmed.paymentId(), null,
                confirmed.amount(), confirmed.currency());
    }

    /** Moves a pending order to {@code PAYMENT_FAILED}, as {@link #confirm} does. */
    public Uni<Void> fail(Event outcome, PaymentFailed failed) {
        return settle(outcome, failed.orderId(), OrderStatus.PAYMENT_FAILED, null, failed.reason(), failed.amount(), failed.currency());
    }

    void stop(@Observes ShutdownEvent stopped) {
        stopping = true;
    }

    /** Whether a failure only means the application is stopping (see {@link Stopping}). */
    boolean closing(RuntimeException failure) {
        return stopping || Stopping.explains(failure);
    }

    /** Refreshes the {@code agentdojo.orders{status}} gauges from the database. */
    @Scheduled(every = "${orders.count-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
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

    private Uni<Void> settle(Event outcome, String id, OrderStatus to, String paymentId, String reason, BigDecimal amount,
                             String currency) {
        OrderWrites.Outcome applying = new OrderWrites.Outcome(chained(id, outcome), to, paymentId, reason, amount, currency,
                Instant.now());
        return Uni.createFrom().completionStage(() -> writes.settle(applying))
                .invoke(settled -> {
                    if (settled.moved()) {
                        LOG.infof("Order %s is %s", id, to);
                    } else if (settled.found() == null) {
                        throw chain.rejected(outcome, "foreign", "there is no order " + id);
                    } else if (settled.found() == OrderStatus.PENDING) {
                        throw chain.rejected(outcome, "foreign", "it does not answer the payment request of order " + id
                                + " (its cause, amount or currency differ)");
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
