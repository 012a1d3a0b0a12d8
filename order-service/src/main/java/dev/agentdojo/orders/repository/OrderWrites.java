package dev.agentdojo.orders.repository;

import dev.agentdojo.orders.model.Order;
import dev.agentdojo.orders.model.OrderStatus;
import dev.agentdojo.orders.repository.IdempotencyKeyRepository.Claim;
import dev.agentdojo.orders.repository.IdempotencyKeyRepository.FirstUse;
import dev.agentdojo.orders.repository.OrderEventRepository.ChainEvent;
import dev.agentdojo.outbox.commit.GroupCommit;
import dev.agentdojo.outbox.commit.GroupCommitConfig;
import dev.agentdojo.outbox.TransactionalOutbox;
import io.agroal.api.AgroalDataSource;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Commits what every order writes — its insert with its key, its chain and the events it sends; its
 * outcome — each kind through a {@link GroupCommit}: under load, one transaction carries the writes
 * of many orders. The statements are the tables' own ({@link OrderRepository},
 * {@link OrderEventRepository}, {@link IdempotencyKeyRepository}, the outbox); each is the same
 * whether a batch holds one item or two hundred, safe to repeat and safe beside other instances.
 */
@ApplicationScoped
public class OrderWrites {

    /**
     * A new order, the events of its chain so far, and the events it sends (to the outbox, in the
     * same transaction); with the request's idempotency key and its fingerprint when it has one.
     */
    public record NewOrder(Order order, List<ChainEvent> chain, List<TransactionalOutbox.Outgoing> events, String key,
                           String fingerprint) {
    }

    /**
     * What placing an order did.
     *
     * @param orderId     the order placed, or the one the key was used for first
     * @param fingerprint the fingerprint the key was first used with (the order's own when placed)
     * @param placed      false when the key was used before, and nothing was written
     */
    public record Placed(String orderId, String fingerprint, boolean placed) {
    }

    /**
     * An outcome to apply to a pending order, and to add to its chain when it settles it: only if it
     * answers the order's payment request (its cause, amount and currency).
     */
    public record Outcome(ChainEvent event, OrderStatus to, String paymentId, String reason, BigDecimal amount,
                          String currency, Instant at) {
    }

    /**
     * What an outcome did.
     *
     * @param moved true when it settled the order
     * @param found the order's status when it did not (null: there is no such order)
     */
    public record Settled(boolean moved, OrderStatus found) {
    }

    private final OrderRepository orders;
    private final OrderEventRepository events;
    private final IdempotencyKeyRepository keys;
    private final TransactionalOutbox outbox;
    private final GroupCommit<NewOrder, Placed> placing;
    private final GroupCommit<Outcome, Settled> settling;

    OrderWrites(AgroalDataSource dataSource, OrderRepository orders, OrderEventRepository events,
                IdempotencyKeyRepository keys, TransactionalOutbox outbox, GroupCommitConfig batching) {
        this.orders = orders;
        this.events = events;
        this.keys = keys;
        this.outbox = outbox;
        var workers = Infrastructure.getDefaultWorkerPool();
        this.placing = new GroupCommit<>("new orders", dataSource, workers, batching, this::place);
        this.settling = new GroupCommit<>("outcomes", dataSource, workers, batching, this::settle);
    }

    /**
     * Inserts a new order with its chain and its events, in one transaction; unless its key was
     * used before (then nothing is written, and the first order is answered). Fails, writing
     * nothing, if the order's id exists.
     */
    public CompletionStage<Placed> place(NewOrder order) {
        return placing.submit(order);
    }

    /** Settles a pending order with an outcome that answers its payment request, and adds the outcome to its chain. */
    public CompletionStage<Settled> settle(Outcome outcome) {
        return settling.submit(outcome);
    }

    private List<Placed> place(Connection connection, List<NewOrder> batch) throws SQLException {
        Placed[] results = new Placed[batch.size()];
        claimKeys(connection, batch, results);
        List<Order> placed = new ArrayList<>(batch.size());
        List<ChainEvent> chain = new ArrayList<>(batch.size() * 2);
        List<TransactionalOutbox.Outgoing> sent = new ArrayList<>(batch.size() * 2);
        for (int i = 0; i < batch.size(); i++) {
            if (results[i] == null) {
                NewOrder order = batch.get(i);
                placed.add(order.order());
                chain.addAll(order.chain());
                sent.addAll(order.events());
                results[i] = new Placed(order.order().id(), order.fingerprint(), true);
            }
        }
        if (!placed.isEmpty()) {
            orders.insert(connection, placed);
            events.insert(connection, chain);
            outbox.write(connection, sent);
        }
        return List.of(results);
    }

    /** Claims the batch's idempotency keys; an order whose key was claimed before gets its result now. */
    private void claimKeys(Connection connection, List<NewOrder> batch, Placed[] results) throws SQLException {
        List<Integer> keyed = new ArrayList<>();
        List<Claim> claims = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            NewOrder order = batch.get(i);
            if (order.key() != null) {
                keyed.add(i);
                claims.add(new Claim(order.key(), order.fingerprint(), order.order().id(), order.order().createdAt()));
            }
        }
        if (claims.isEmpty()) {
            return;
        }
        FirstUse[] earlier = keys.claim(connection, claims);
        for (int k = 0; k < earlier.length; k++) {
            if (earlier[k] != null) {
                results[keyed.get(k)] = new Placed(earlier[k].orderId(), earlier[k].fingerprint(), false);
            }
        }
    }

    private List<Settled> settle(Connection connection, List<Outcome> batch) throws SQLException {
        boolean[] moved = orders.settle(connection, batch);
        List<ChainEvent> settled = new ArrayList<>();
        List<Settled> results = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            if (moved[i]) {
                settled.add(batch.get(i).event());
                results.add(new Settled(true, null));
            } else {
                results.add(new Settled(false, orders.statusOf(connection, batch.get(i).event().orderId())));
            }
        }
        events.insert(connection, settled);
        return results;
    }
}
