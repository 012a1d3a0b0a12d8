package dev.agentdojo.orders.service;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.StandaloneEventBus;
import dev.agentdojo.orders.model.Order;
import dev.agentdojo.orders.model.OrderStatus;
import dev.agentdojo.orders.repository.IdempotencyKeyRepository;
import dev.agentdojo.orders.repository.OrderEventRepository;
import dev.agentdojo.orders.repository.OrderRepository;
import dev.agentdojo.orders.repository.OrderWrites;
import dev.agentdojo.service.chain.ChainEvents;
import dev.agentdojo.service.chain.InvalidEventException;
import dev.agentdojo.service.chain.OrderConfirmed;
import dev.agentdojo.service.chain.PaymentFailed;
import dev.agentdojo.outbox.TransactionalOutbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The rules of an order's life, fast: its tables and the outbox mocked, a real bus. What the
 * database itself keeps (one outcome per order, keys claimed once) is {@code OrderServiceTest}'s.
 */
class OrdersTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final StandaloneEventBus bus = EventBus.create();
    private final OrderWrites writes = mock(OrderWrites.class);
    private final OrderRepository orders = mock(OrderRepository.class);
    private final OrderEventRepository events = mock(OrderEventRepository.class);
    private final IdempotencyKeyRepository keys = mock(IdempotencyKeyRepository.class);
    private final TransactionalOutbox outbox = mock(TransactionalOutbox.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Orders subject;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void wire() {
        when(outbox.collect(any())).thenAnswer(call -> {
            Object result = ((Supplier<Object>) call.getArgument(0)).get();
            List<Event> emitted = bus.getHistory();
            return new TransactionalOutbox.Collected<>(result, List.of(new TransactionalOutbox.Outgoing(emitted.get(emitted.size() - 1), "{}")));
        });
        when(events.chained(any(), any())).thenAnswer(call ->
                new OrderEventRepository.ChainEvent(call.getArgument(0), call.getArgument(1), "[]", null));
        when(writes.place(any())).thenAnswer(call -> {
            OrderWrites.NewOrder order = call.getArgument(0);
            return CompletableFuture.completedFuture(new OrderWrites.Placed(order.order().id(), order.fingerprint(), true));
        });
        subject = new Orders(bus, writes, orders, events, keys, outbox, new ChainEvents(null, meters));
    }

    @AfterEach
    void close() {
        bus.close();
    }

    @Test
    void aNewOrderIsPendingAndCommitsWithTheEventsItsEmitCaused() {
        Orders.Placement placement = subject.place("ada", new BigDecimal("12.50"), "EUR", null).await().atMost(WAIT);

        assertThat(placement.placed()).isTrue();
        assertThat(placement.order().status()).isEqualTo(OrderStatus.PENDING);
        ArgumentCaptor<OrderWrites.NewOrder> written = ArgumentCaptor.forClass(OrderWrites.NewOrder.class);
        verify(writes).place(written.capture());
        assertThat(written.getValue().order()).isEqualTo(placement.order());
        assertThat(written.getValue().events()).extracting(e -> e.event().name()).containsExactly("order:created");
        assertThat(written.getValue().chain()).extracting(c -> c.orderId()).containsExactly(placement.order().id());
        assertThat(written.getValue().key()).isNull();
    }

    @Test
    void theSameRequestWithAKeyUsedBeforeAnswersTheFirstOrder_andPlacesNothing() {
        subject.place("ada", new BigDecimal("12.5"), "EUR", "k-1").await().atMost(WAIT);
        ArgumentCaptor<OrderWrites.NewOrder> first = ArgumentCaptor.forClass(OrderWrites.NewOrder.class);
        verify(writes).place(first.capture());
        Order earlier = first.getValue().order();
        when(keys.find("k-1")).thenReturn(Optional.of(new IdempotencyKeyRepository.FirstUse(earlier.id(), first.getValue().fingerprint())));
        when(orders.find(earlier.id())).thenReturn(Optional.of(earlier));

        // the same request, whatever the amount's trailing zeros
        Orders.Placement again = subject.place("ada", new BigDecimal("12.50"), "EUR", "k-1").await().atMost(WAIT);

        assertThat(again.placed()).isFalse();
        assertThat(again.order()).isEqualTo(earlier);
        verify(writes, times(1)).place(any());
    }

    @Test
    void aKeyUsedBeforeForAnotherRequestIsRefused_andNothingIsPlaced() {
        when(keys.find("k-2")).thenReturn(Optional.of(new IdempotencyKeyRepository.FirstUse("o-1", "another request")));

        assertThatThrownBy(() -> subject.place("ada", BigDecimal.TEN, "EUR", "k-2").await().atMost(WAIT))
                .isInstanceOf(Orders.KeyReusedException.class).hasMessageContaining("k-2");
        verify(writes, never()).place(any());
    }

    @Test
    void anOutcomeThatSettlesItsOrderCompletes() {
        settled(new OrderWrites.Settled(true, null));

        subject.confirm(outcome("order:confirmed"), confirmed()).await().atMost(WAIT);

        ArgumentCaptor<OrderWrites.Outcome> applied = ArgumentCaptor.forClass(OrderWrites.Outcome.class);
        verify(writes).settle(applied.capture());
        assertThat(applied.getValue().to()).isEqualTo(OrderStatus.CONFIRMED);
        assertThat(applied.getValue().paymentId()).isEqualTo("p-1");
    }

    @Test
    void anOutcomeForNoOrderIsRefusedAsForeign() {
        settled(new OrderWrites.Settled(false, null));

        assertThatThrownBy(() -> subject.confirm(outcome("order:confirmed"), confirmed()).await().atMost(WAIT))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("there is no order o-1");
        assertThat(meters.counter("agentdojo.events.rejected", "reason", "foreign").count()).isEqualTo(1);
    }

    @Test
    void anOutcomeThatDoesNotAnswerAPendingOrdersRequestIsRefused() {
        settled(new OrderWrites.Settled(false, OrderStatus.PENDING));

        assertThatThrownBy(() -> subject.fail(outcome("payment:failed"),
                new PaymentFailed("o-1", "declined", BigDecimal.ONE, "EUR")).await().atMost(WAIT))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("does not answer the payment request");
    }

    @Test
    void aLateOrRedeliveredOutcomeForAFinalOrderChangesNothing_andIsNoError() {
        settled(new OrderWrites.Settled(false, OrderStatus.CONFIRMED));

        subject.fail(outcome("payment:failed"), new PaymentFailed("o-1", "declined", BigDecimal.ONE, "EUR")).await().atMost(WAIT);

        verify(writes).settle(any());
        assertThat(meters.find("agentdojo.events.rejected").counter()).isNull();
    }

    private void settled(OrderWrites.Settled result) {
        when(writes.settle(any())).thenReturn(CompletableFuture.completedFuture(result));
    }

    private static OrderConfirmed confirmed() {
        return new OrderConfirmed("o-1", "p-1", BigDecimal.ONE, "EUR");
    }

    private static Event outcome(String name) {
        return new Event("e-1", name, List.of("o-1"), Instant.now(), "payment-service", "c-1", "e-0");
    }
}
