package dev.agentdojo.orders.service;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.orders.model.Order;
import dev.agentdojo.orders.model.OrderStatus;
import dev.agentdojo.orders.repository.IdempotencyKeyRepository;
import dev.agentdojo.orders.repository.OrderEventRepository;
import dev.agentdojo.orders.repository.OrderRepository;
import dev.agentdojo.orders.repository.OrderWrites;
import dev.agentdojo.service.chain.ChainEvents;
import dev.agentdojo.service.chain.InvalidEventException;
import dev.agentdojo.service.chain.OrderConfirmed;
import dev.agentdojo.service.chain.OrderCreated;
import dev.agentdojo.service.chain.PaymentFailed;
import dev.agentdojo.outbox.TransactionalOutbox;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Places orders and settles them with their payment's outcome: the rules of an order's life
 * (idempotency keys, which outcome may settle which order), with the writes committed by
 * {@link OrderWrites}, batched with other orders' and safe beside other instances: an outcome moves
 * an order only while it is {@code PENDING}, so a redelivered or late outcome changes nothing; an
 * event is stored once however often it arrives.
 */
@ApplicationScoped
public class Orders {

    private static final Logger LOG = Logger.getLogger(Orders.class);

    private final EventBus bus;
    private final OrderWrites writes;
    private final OrderRepository orders;
    private final OrderEventRepository events;
    private final IdempotencyKeyRepository keys;
    private final TransactionalOutbox outbox;
    private final ChainEvents chain;

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

    Orders(EventBus bus, OrderWrites writes, OrderRepository orders, OrderEventRepository events, IdempotencyKeyRepository keys,
           TransactionalOutbox outbox, ChainEvents chain) {
        this.bus = bus;
        this.writes = writes;
        this.orders = orders;
        this.events = events;
        this.keys = keys;
        this.outbox = outbox;
        this.chain = chain;
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
        return place(newId(), customer, amount, currency, key);
    }

    /**
     * {@link #place(String, BigDecimal, String, String)}, the new order (if one is placed) getting
     * {@code id}: a caller that knows the id before the commit can tell a client where to look when
     * the commit's outcome is not known.
     */
    public Uni<Placement> place(String id, String customer, BigDecimal amount, String currency, String key) {
        return Uni.createFrom().deferred(() -> {
            Context request = Vertx.currentContext(); // the HTTP request's, when called from one
            Order order = Order.pending(id, customer, amount, currency, Instant.now());
            String fingerprint = key == null ? null : fingerprint(customer, amount, currency);
            CompletableFuture<Placement> work = key == null
                    ? placeNew(order, null, null)
                    : CompletableFuture.supplyAsync(() -> keys.find(key), Infrastructure.getDefaultWorkerPool())
                            .thenCompose(earlier -> earlier.isPresent()
                                    ? answerEarlier(key, earlier.get().orderId(), earlier.get().fingerprint(), fingerprint)
                                    : placeNew(order, key, fingerprint));
            // Once started, an order is placed to the end, even when the client stops waiting:
            // cancelling the answer does not cancel the work (a future derived from it is cancelled, not it).
            Uni<Placement> answer = Uni.createFrom().completionStage(work.thenApply(placed -> placed));
            // The answer reaches the request on the request's own thread, so no other thread touches the
            // request's context while the HTTP layer writes the response.
            return request == null ? answer : answer.emitOn(task -> request.runOnContext(ignored -> task.run()));
        });
    }

    /** A new order's id. */
    public static String newId() {
        return UUID.randomUUID().toString();
    }

    private CompletableFuture<Placement> placeNew(Order order, String key, String fingerprint) {
        TransactionalOutbox.Collected<Boolean> emitted = outbox.collect(() ->
                bus.emitSync(new OrderCreated(order.id(), order.customer(), order.amount(), order.currency())));
        List<OrderEventRepository.ChainEvent> chain = emitted.events().stream().map(e -> events.chained(order.id(), e.event())).toList();
        return writes.place(new OrderWrites.NewOrder(order, chain, emitted.events(), key, fingerprint)).toCompletableFuture()
                .thenCompose(placed -> placed.placed()
                        ? CompletableFuture.completedFuture(new Placement(order, true))
                        : answerEarlier(key, placed.orderId(), placed.fingerprint(), fingerprint)); // the same key, placed meanwhile by a concurrent request
    }

    private CompletableFuture<Placement> answerEarlier(String key, String orderId, String firstFingerprint, String fingerprint) {
        if (!firstFingerprint.equals(fingerprint)) {
            return CompletableFuture.failedFuture(new KeyReusedException(key));
        }
        return CompletableFuture.supplyAsync(() -> new Placement(orders.find(orderId).orElseThrow(() ->
                new IllegalStateException("idempotency key " + key + " names order " + orderId + ", which does not exist")),
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

    private Uni<Void> settle(Event outcome, String id, OrderStatus to, String paymentId, String reason, BigDecimal amount,
                             String currency) {
        OrderWrites.Outcome applying = new OrderWrites.Outcome(events.chained(id, outcome), to, paymentId, reason, amount, currency,
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
}
