package dev.agentdojo.service.deadletters;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.bridge.DeadLetter;
import dev.agentdojo.service.chain.ChainEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What is kept of a dead letter: the whole record, where it was read, the order it belongs to, and the chain's own reason. */
class DeadLetterRecorderTest {

    private static final Event REQUEST = new Event("ev-1", "payment:process", List.of("order-1", new BigDecimal("25.00"), "EUR"),
            Instant.parse("2026-12-07T19:00:00Z"), "order-service", "corr-1", "ev-0");

    @Test
    void aLetterKeepsItsWholeRecord_whereItWasRead_andTheOrderItBelongsTo() {
        DeadLetterRepository.NewLetter row = DeadLetterRecorder.row(new DeadLetter("failed", new IllegalStateException("a bug"),
                "agent-dojo.orders", 3, 42L, "{\"id\":\"ev-1\"}", REQUEST));

        assertThat(row.eventId()).isEqualTo("ev-1");
        assertThat(row.eventName()).isEqualTo("payment:process");
        assertThat(row.orderId()).isEqualTo("order-1");
        assertThat(row.correlationId()).isEqualTo("corr-1");
        assertThat(List.of(row.topic(), row.partition(), row.offset())).containsExactly("agent-dojo.orders", 3, 42L);
        assertThat(row.reason()).isEqualTo("failed");
        assertThat(row.failureClass()).isEqualTo("java.lang.IllegalStateException");
        assertThat(row.failure()).isEqualTo("a bug");
        assertThat(row.envelope()).isEqualTo("{\"id\":\"ev-1\"}");
    }

    @Test
    void theChainsOwnReasonIsKeptWhenTheChainRefusedTheEvent() {
        Throwable refused = new ChainEvents(null, new SimpleMeterRegistry()).rejected(REQUEST, "mismatch", "another amount");

        assertThat(DeadLetterRecorder.row(new DeadLetter("failed", refused, null, null, null, "{}", REQUEST)).reason())
                .isEqualTo("mismatch");
    }

    @Test
    void aRecordThatIsNoEventIsKeptAsItWasRead_withNoOrder_andNoNul() {
        DeadLetterRepository.NewLetter row = DeadLetterRecorder.row(new DeadLetter("invalid", new IllegalArgumentException("not an event"),
                "agent-dojo.orders", 0, 7L, "garbage\u0000", null));

        assertThat(row.eventId()).isNull();
        assertThat(row.orderId()).isNull();
        assertThat(row.envelope()).as("PostgreSQL's text holds no NUL").isEqualTo("garbage\uFFFD");
        assertThat(DeadLetterRecorder.orderOf(new Event("e", "x:y", List.of("has spaces"), Instant.now(), "s", "c", null))).isNull();
    }
}
