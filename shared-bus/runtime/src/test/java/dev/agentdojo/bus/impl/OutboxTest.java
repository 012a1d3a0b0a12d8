package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventNotSentException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The deadline, the bound and the causal order of events on their way to the broker. */
class OutboxTest {

    /** Timers the test fires by hand: no test here waits on a clock. */
    private static final class ManualTimers implements Outbox.Timers {
        final Map<Long, Runnable> scheduled = new HashMap<>();
        final List<Duration> delays = new ArrayList<>();
        long next;

        @Override
        public long schedule(Duration delay, Runnable task) {
            delays.add(delay);
            scheduled.put(++next, task);
            return next;
        }

        @Override
        public void cancel(long id) {
            scheduled.remove(id);
        }

        void fireAll() {
            new ArrayList<>(scheduled.values()).forEach(Runnable::run);
            scheduled.clear();
        }
    }

    private final ManualTimers timers = new ManualTimers();
    private final List<Event> handedOn = new ArrayList<>();

    private static Event event(String name, Event cause) {
        String id = UUID.randomUUID().toString();
        return cause == null
                ? new Event(id, name, List.of(), Instant.now(), "test", id, null)
                : new Event(id, name, List.of(), Instant.now(), "test", cause.correlationId(), cause.id());
    }

    private Outbox outbox(int maxPending, Duration admitWindow) {
        return new Outbox(maxPending, Duration.ofSeconds(10), Duration.ofSeconds(10).minus(admitWindow), timers);
    }

    @Test
    void anEventIsHandedOnAtOnceAndSettledByTheBrokersAcknowledgement() {
        Outbox outbox = outbox(8, Duration.ofSeconds(5));
        Event e = event("order:created", null);

        CompletableFuture<Void> outcome = outbox.open(e, handedOn::add);
        assertThat(handedOn).containsExactly(e);
        assertThat(outcome).isNotDone();
        assertThat(timers.delays).containsExactly(Duration.ofSeconds(10));

        outbox.acknowledged(e.id());
        assertThat(outcome).isCompleted();
        assertThat(outbox.pending()).isZero();
        assertThat(timers.scheduled).as("the deadline timer is cancelled").isEmpty();
    }

    @Test
    void anEventNotAcknowledgedByItsDeadlineFailsAndIsNeverAdmittedByTheProducerAfterwards() {
        Outbox outbox = outbox(8, Duration.ofSeconds(5));
        Event e = event("order:created", null);
        CompletableFuture<Void> outcome = outbox.open(e, handedOn::add);

        timers.fireAll();

        assertThat(outcome).isCompletedExceptionally();
        assertThatThrownBy(outcome::join).hasCauseInstanceOf(EventNotSentException.class)
                .hasMessageContaining("not acknowledged by the broker within 10000 ms");
        assertThat(Outbox.admit(e.id())).as("a late send of a failed event").isFalse();
        assertThat(outbox.pending()).isZero();
    }

    @Test
    void theProducerAdmitsAnEventOnlyWhileItsDeliveryTimeoutStillFitsBeforeTheDeadline() {
        Outbox outbox = outbox(8, Duration.ZERO.plusNanos(1)); // the producer needs all of the deadline
        Event e = event("order:created", null);
        CompletableFuture<Void> outcome = outbox.open(e, handedOn::add);
        busyWaitNanos(1_000);

        assertThat(Outbox.admit(e.id())).isFalse();
        assertThat(outcome).isCompletedExceptionally();
        assertThatThrownBy(outcome::join).hasRootCauseInstanceOf(TimeoutException.class);

        Outbox roomy = outbox(8, Duration.ofSeconds(5));
        Event f = event("order:created", null);
        roomy.open(f, handedOn::add);
        assertThat(Outbox.admit(f.id())).isTrue();
        assertThat(Outbox.admit(f.id())).as("a retry within the window").isTrue();
        roomy.acknowledged(f.id());
        assertThat(Outbox.admit(f.id())).as("settled: never sent again").isFalse();
    }

    @Test
    void beyondMaxPendingAnEmitIsRefusedAtOnceAndNothingIsTracked() {
        Outbox outbox = outbox(2, Duration.ofSeconds(5));
        outbox.open(event("a:one", null), handedOn::add);
        outbox.open(event("a:two", null), handedOn::add);
        Event third = event("a:three", null);

        assertThatThrownBy(() -> outbox.open(third, handedOn::add))
                .isInstanceOf(EventNotSentException.class)
                .hasMessageContaining("2 events are already waiting for the broker");
        assertThat(handedOn).extracting(Event::name).containsExactly("a:one", "a:two");
        assertThat(outbox.pending()).isEqualTo(2);
        assertThat(Outbox.admit(third.id())).isFalse();
    }

    @Test
    void anEventWhoseCauseIsOnItsWayIsHandedOnOnlyOnceTheCauseIsAcknowledged() {
        Outbox outbox = outbox(8, Duration.ofSeconds(5));
        Event cause = event("order:created", null);
        Event effect = event("payment:process", cause);
        outbox.open(cause, handedOn::add);
        CompletableFuture<Void> effectOutcome = outbox.open(effect, handedOn::add);
        assertThat(handedOn).containsExactly(cause);

        outbox.acknowledged(cause.id());

        assertThat(handedOn).containsExactly(cause, effect);
        assertThat(effectOutcome).isNotDone();
        outbox.acknowledged(effect.id());
        assertThat(effectOutcome).isCompleted();
    }

    @Test
    void anEventWhoseCauseFailsFailsTooAndIsNeverHandedOn() {
        Outbox outbox = outbox(8, Duration.ofSeconds(5));
        Event cause = event("order:created", null);
        Event effect = event("payment:process", cause);
        outbox.open(cause, handedOn::add);
        CompletableFuture<Void> effectOutcome = outbox.open(effect, handedOn::add);

        outbox.refused(cause.id(), new IllegalStateException("broker away"));

        assertThat(handedOn).containsExactly(cause);
        assertThatThrownBy(effectOutcome::join).hasCauseInstanceOf(EventNotSentException.class)
                .hasMessageContaining("its cause " + cause.id() + " was not sent");
        assertThat(outbox.pending()).isZero();
    }

    @Test
    void aSendTimeoutNoLongerThanTheProducersDeliveryTimeoutIsRefusedWithTheReason() {
        assertThatThrownBy(() -> new Outbox(8, Duration.ofSeconds(5), Duration.ofSeconds(5), timers))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event-bus.bridge.send-timeout (5000 ms) must be longer than the producer's delivery.timeout.ms (5000 ms)");
        assertThatThrownBy(() -> new Outbox(0, Duration.ofSeconds(10), Duration.ZERO, timers))
                .hasMessageContaining("event-bus.bridge.max-pending must be at least 1, was 0");
    }

    @Test
    void theSerializerWritesTheEnvelopeWhileAdmittedAndRefusesItAfterwards() {
        Outbox outbox = outbox(8, Duration.ofSeconds(5));
        Event e = event("order:created", null);
        outbox.open(e, handedOn::add);
        RecordHeaders headers = new RecordHeaders();
        headers.add(EnvelopeSerializer.EVENT_ID_HEADER, e.id().getBytes(StandardCharsets.UTF_8));
        try (EnvelopeSerializer serializer = new EnvelopeSerializer()) {
            assertThat(serializer.serialize("t", headers, "{\"id\":\"x\"}")).asString(StandardCharsets.UTF_8).isEqualTo("{\"id\":\"x\"}");
            assertThat(serializer.serialize("t", new RecordHeaders(), "plain")).as("a record the bridge did not make").isNotNull();

            timers.fireAll();

            assertThatThrownBy(() -> serializer.serialize("t", headers, "{\"id\":\"x\"}"))
                    .isInstanceOf(SerializationException.class).hasMessageContaining(e.id());
        }
    }

    private static void busyWaitNanos(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
    }
}
