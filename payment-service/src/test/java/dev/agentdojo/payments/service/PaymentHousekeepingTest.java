package dev.agentdojo.payments.service;

import dev.agentdojo.payments.repository.StalledPayment;
import io.smallrye.mutiny.Uni;
import dev.agentdojo.service.lifecycle.Stopping;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The turns that finish payments left {@code CHARGING}, fast: the table and the workflow mocked.
 * That they finish real payments is {@code PaymentServiceTest}'s.
 */
class PaymentHousekeepingTest {

    private static final Duration AFTER = Duration.ofMinutes(1);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final Payments payments = mock(Payments.class);
    private final PaymentWorkflow workflow = mock(PaymentWorkflow.class);

    @Test
    void aPaymentThatCannotBeResumedIsPassed_andTheTurnGoesOnWithTheNext() {
        StalledPayment bad = stalled("o-bad", 0);
        StalledPayment good = stalled("o-good", 1);
        when(payments.stalled(eq(AFTER), any(), eq(100))).thenReturn(List.of(bad, good));
        when(workflow.resume(bad)).thenReturn(Uni.createFrom().failure(new SQLException("duplicate key", "23505")));
        when(workflow.resume(good)).thenReturn(Uni.createFrom().voidItem());

        new PaymentHousekeeping(payments, workflow, AFTER, 100, System::nanoTime, new Stopping()).resumeStalledPayments();

        verify(workflow).resume(good);
    }

    @Test
    void paymentsThatKeepFailingDoNotStarveTheOthers_eachTurnGoesOnAfterTheLastTried_andFromTheOldestOnceAtTheNewest() {
        StalledPayment a = stalled("o-a", 0);
        StalledPayment b = stalled("o-b", 1);
        StalledPayment c = stalled("o-c", 2);
        when(payments.stalled(eq(AFTER), isNull(), eq(2))).thenReturn(List.of(a, b)); // a and b fail every time
        when(payments.stalled(AFTER, b.position(), 2)).thenReturn(List.of(c));
        when(workflow.resume(any())).thenReturn(Uni.createFrom().failure(new IllegalStateException("cannot be resumed")));
        when(workflow.resume(c)).thenReturn(Uni.createFrom().voidItem());
        PaymentHousekeeping housekeeping = new PaymentHousekeeping(payments, workflow, AFTER, 2, System::nanoTime, new Stopping());

        housekeeping.resumeStalledPayments();
        housekeeping.resumeStalledPayments();
        housekeeping.resumeStalledPayments();

        var turns = inOrder(payments, workflow);
        turns.verify(payments).stalled(AFTER, null, 2);
        turns.verify(workflow).resume(a);
        turns.verify(workflow).resume(b);
        turns.verify(payments).stalled(AFTER, b.position(), 2);
        turns.verify(workflow).resume(c);
        turns.verify(payments).stalled(AFTER, null, 2);
    }

    private static StalledPayment stalled(String order, int minutes) {
        return new StalledPayment(order, BigDecimal.TEN, "EUR", T0.plusSeconds(60L * minutes), "r-" + order, "c-" + order);
    }
}
