package dev.agentdojo.payments.service;

import dev.agentdojo.bus.bridge.EventTraces;
import dev.agentdojo.payments.model.GatewayResult;
import dev.agentdojo.payments.model.Payment;
import dev.agentdojo.payments.model.PaymentStatus;
import io.opentelemetry.api.OpenTelemetry;
import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.StandaloneEventBus;
import dev.agentdojo.service.chain.ChainEvents;
import dev.agentdojo.service.chain.InvalidEventException;
import dev.agentdojo.service.chain.PaymentRequested;
import dev.agentdojo.outbox.TransactionalOutbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Validation;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The payment's rules, fast: its table, the gateway and the outbox mocked; a real bus and the real
 * check of events read from the log. That the database keeps one payment per order is
 * {@code PaymentServiceTest}'s.
 */
class PaymentWorkflowTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ORDER = "5f0c1a2e-0000-4000-8000-000000000001";

    private final StandaloneEventBus bus = EventBus.create();
    private final Payments payments = mock(Payments.class);
    private final PaymentGateway gateway = mock(PaymentGateway.class);
    private final TransactionalOutbox outbox = mock(TransactionalOutbox.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private PaymentWorkflow workflow;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void wire() {
        var validator = Validation.byDefaultProvider().configure()
                .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();
        when(outbox.collect(any())).thenAnswer(call -> {
            Object result = ((Supplier<Object>) call.getArgument(0)).get();
            List<Event> emitted = bus.getHistory();
            return new TransactionalOutbox.Collected<>(result, List.of(new TransactionalOutbox.Outgoing(emitted.get(emitted.size() - 1), "{}")));
        });
        when(payments.complete(anyString(), any(), any())).thenReturn(Uni.createFrom().item(true));
        when(payments.unanswered(anyString())).thenReturn(Uni.createFrom().item(false)); // a final payment was announced when recorded
        workflow = new PaymentWorkflow(bus, payments, gateway, outbox, new ChainEvents(validator, meters),
                new EventTraces(OpenTelemetry.noop()));
    }

    @AfterEach
    void close() {
        bus.close();
    }

    @Test
    void aNewPaymentIsChargedWithTheOrderAsItsKey_andItsOutcomeAnnouncedAsCausedByTheRequest() {
        charging();
        when(gateway.charge(eq(ORDER), any(), any())).thenReturn(Uni.createFrom().item(
                new GatewayResult("pay-1", PaymentStatus.APPROVED, null, Instant.now(), false)));
        Event request = request("12.50", "EUR");

        workflow.process(request).await().atMost(WAIT);

        Event announced = bus.getHistory("order:confirmed").get(0);
        assertThat(announced.args()).containsExactly(ORDER, "pay-1", new BigDecimal("12.50"), "EUR");
        assertThat(announced.causationId()).isEqualTo(request.id());
        verify(payments).complete(eq(ORDER), any(), any());
    }

    @Test
    void aDeclinedChargeIsAnnouncedAsAFailedPayment() {
        charging();
        when(gateway.charge(eq(ORDER), any(), any())).thenReturn(Uni.createFrom().item(
                new GatewayResult("pay-2", PaymentStatus.DECLINED, "over the limit", Instant.now(), false)));

        workflow.process(request("12.50", "EUR")).await().atMost(WAIT);

        assertThat(bus.getHistory("payment:failed")).singleElement()
                .satisfies(e -> assertThat(e.args()).containsExactly(ORDER, "over the limit", new BigDecimal("12.50"), "EUR"));
        assertThat(bus.getHistory("order:confirmed")).isEmpty();
    }

    @Test
    void anOrderChargedBeforeIsNotChargedAgain() {
        when(payments.begin(any(), any())).thenReturn(Uni.createFrom().item(
                new Payment("pay-1", ORDER, BigDecimal.TEN, "EUR", PaymentStatus.APPROVED, null, Instant.now())));

        workflow.process(request("10", "EUR")).await().atMost(WAIT);

        verify(gateway, never()).charge(anyString(), any(), any());
        assertThat(bus.getHistory()).extracting(Event::name).doesNotContain("order:confirmed", "payment:failed");
    }

    @Test
    void aRequestForAnotherAmountOrCurrencyThanTheOneRecordedIsRefused_andNothingIsCharged() {
        recordedAs("12.50", "EUR");

        for (Event other : List.of(request("13.00", "EUR"), request("12.50", "USD"))) {
            assertThatThrownBy(() -> workflow.process(other).await().atMost(WAIT)).as(other.args().toString())
                    .isInstanceOf(InvalidEventException.class)
                    .hasMessageContaining("but the payment of order " + ORDER + " was recorded for 12.50 EUR");
        }
        verify(gateway, never()).charge(anyString(), any(), any());
        assertThat(meters.counter("agentdojo.events.rejected", "reason", "mismatch").count()).isEqualTo(2);
    }

    @Test
    void aPaymentLeftChargingIsResumedWithWhatWasRecorded_andAnsweredAsItsRequest() {
        when(gateway.charge(eq(ORDER), any(), any())).thenReturn(Uni.createFrom().item(
                new GatewayResult("pay-3", PaymentStatus.APPROVED, null, Instant.now(), true)));

        workflow.resume(new dev.agentdojo.payments.repository.StalledPayment(ORDER, new BigDecimal("7.25"), "CHF",
                Instant.now().minusSeconds(120), "request-1", "chain-1")).await().atMost(WAIT);

        verify(gateway).charge(ORDER, new BigDecimal("7.25"), "CHF");
        Event announced = bus.getHistory("order:confirmed").get(0);
        assertThat(announced.args()).containsExactly(ORDER, "pay-3", new BigDecimal("7.25"), "CHF");
        assertThat(announced.causationId()).isEqualTo("request-1");
        assertThat(announced.correlationId()).isEqualTo("chain-1");
    }

    @Test
    void aPaymentLeftChargingWithoutItsRequestIsFinishedFromItsRow_andAnnouncedToNoOne() {
        when(gateway.charge(eq(ORDER), any(), any())).thenReturn(Uni.createFrom().item(
                new GatewayResult("pay-4", PaymentStatus.APPROVED, null, Instant.now(), false)));

        workflow.resume(new dev.agentdojo.payments.repository.StalledPayment(ORDER, new BigDecimal("3.10"), "EUR",
                Instant.now().minusSeconds(120), null, null)).await().atMost(WAIT);

        verify(gateway).charge(ORDER, new BigDecimal("3.10"), "EUR");
        verify(payments).complete(eq(ORDER), any(), eq(List.of()));
        assertThat(bus.getHistory()).as("no outcome that could only be refused, for want of its cause").isEmpty();
    }

    @Test
    void aRequestForAPaymentFinishedWithoutItIsAnsweredWithTheRecordedOutcome_notChargedAgain() {
        when(payments.begin(any(), any())).thenReturn(Uni.createFrom().item(
                new Payment("pay-5", ORDER, new BigDecimal("3.10"), "EUR", PaymentStatus.APPROVED, null, Instant.now())));
        when(payments.unanswered(ORDER)).thenReturn(Uni.createFrom().item(true));
        when(payments.answer(eq(ORDER), any(), any())).thenReturn(Uni.createFrom().item(true));
        Event request = request("3.10", "EUR");

        workflow.process(request).await().atMost(WAIT);

        verify(gateway, never()).charge(anyString(), any(), any());
        Event announced = bus.getHistory("order:confirmed").get(0);
        assertThat(announced.args()).containsExactly(ORDER, "pay-5", new BigDecimal("3.10"), "EUR");
        assertThat(announced.causationId()).isEqualTo(request.id());
        verify(payments).answer(eq(ORDER), eq(request), any());
    }

    @Test
    void aRequestThatIsNotValidIsRefused_andNothingIsRecordedOrCharged() {
        for (Event invalid : List.of(request("-1", "EUR"), request("10", "euro"), request("0.001", "EUR"),
                new Event("e-9", "payment:process", List.of("not an id", BigDecimal.TEN, "EUR"), Instant.now(), "order-service", "c-9", null),
                new Event("e-8", "payment:process", List.of(ORDER), Instant.now(), "order-service", "c-8", null))) {
            assertThatThrownBy(() -> workflow.process(invalid)).as(invalid.args().toString()).isInstanceOf(InvalidEventException.class);
        }
        verify(payments, never()).begin(any(), any());
        verify(gateway, never()).charge(anyString(), any(), any());
        assertThat(meters.counter("agentdojo.events.rejected", "reason", "invalid").count()
                + meters.counter("agentdojo.events.rejected", "reason", "unreadable").count()).isEqualTo(5);
    }

    private void charging() {
        when(payments.begin(any(), any())).thenAnswer(call -> {
            PaymentRequested request = call.getArgument(1);
            return Uni.createFrom().item(new Payment(null, ORDER, request.amount(), request.currency(), PaymentStatus.CHARGING, null, Instant.now()));
        });
    }

    private void recordedAs(String amount, String currency) {
        when(payments.begin(any(), any())).thenReturn(Uni.createFrom().item(
                new Payment(null, ORDER, new BigDecimal(amount), currency, PaymentStatus.CHARGING, null, Instant.now())));
    }

    private static Event request(String amount, String currency) {
        return new Event("e-" + amount, "payment:process", List.of(ORDER, new BigDecimal(amount), currency), Instant.now(),
                "order-service", "c-1", "e-0");
    }
}
