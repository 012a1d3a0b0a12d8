package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventNotSentException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The events of this service on their way to the broker, each with a deadline.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Bounded.</b> At most {@code maxPending} events wait at once; {@link #open} refuses one more
 *       with {@link EventNotSentException} at once, so a caller is answered now rather than queued.</li>
 *   <li><b>Settled by a deadline counted from the call.</b> An event is acknowledged, or its outcome
 *       fails with {@link EventNotSentException}, within {@code sendTimeout} of {@link #open} —
 *       whether it waited behind other events, for its cause, or in the producer.</li>
 *   <li><b>Never on the log after a failure.</b> The producer admits an event into a record only
 *       while the producer's own {@code delivery.timeout.ms} still fits before the deadline
 *       ({@link #admit}), so a record it holds is settled by the deadline; an event failed or
 *       expired here is never admitted again, however the connector retries.</li>
 *   <li><b>Causes first.</b> An event caused by one still pending here is handed on only once its
 *       cause is acknowledged, and fails if its cause fails: no service ever reads an effect whose
 *       cause is not on the log.</li>
 * </ul>
 *
 * <p>Thread-safe. The producer side ({@link EnvelopeSerializer}) finds a pending event by id through
 * a process-wide map, since Kafka makes the serializer itself.
 */
final class Outbox {

    private static final Map<String, Pending> BY_ID = new ConcurrentHashMap<>();

    private final int maxPending;
    private final Duration sendTimeout;
    private final long admitWithinNanos;
    private final Timers timers;
    private final AtomicInteger count = new AtomicInteger();

    /** Schedules and cancels one-shot timers (Vert.x's in the bridge). */
    interface Timers {
        long schedule(Duration delay, Runnable task);

        void cancel(long id);
    }

    /**
     * @param sendTimeout             the deadline of each event, from {@link #open}
     * @param producerDeliveryTimeout how long the producer may hold a record before it settles it
     *                                (zero for a connector that settles at once)
     */
    Outbox(int maxPending, Duration sendTimeout, Duration producerDeliveryTimeout, Timers timers) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("event-bus.bridge.max-pending must be at least 1, was " + maxPending);
        }
        if (sendTimeout.compareTo(producerDeliveryTimeout) <= 0) {
            throw new IllegalArgumentException("event-bus.bridge.send-timeout (" + sendTimeout.toMillis()
                    + " ms) must be longer than the producer's delivery.timeout.ms (" + producerDeliveryTimeout.toMillis()
                    + " ms), which it needs to settle an event once it holds it");
        }
        this.maxPending = maxPending;
        this.sendTimeout = sendTimeout;
        this.admitWithinNanos = sendTimeout.minus(producerDeliveryTimeout).toNanos();
        this.timers = timers;
    }

    /**
     * Starts tracking {@code event} and hands it on with {@code handOn} — now, or when its cause is
     * acknowledged. Completes the returned future when the broker acknowledges it; fails it with
     * {@link EventNotSentException} when it is refused, passes its deadline, or its cause fails.
     *
     * @throws EventNotSentException at once when {@code maxPending} events already wait (nothing tracked)
     */
    CompletableFuture<Void> open(Event event, Consumer<Event> handOn) {
        if (count.incrementAndGet() > maxPending) {
            count.decrementAndGet();
            throw new EventNotSentException(event, new IllegalStateException(
                    maxPending + " events are already waiting for the broker (event-bus.bridge.max-pending)"));
        }
        Pending pending = new Pending(event, System.nanoTime() + admitWithinNanos);
        BY_ID.put(event.id(), pending);
        long timer = timers.schedule(sendTimeout, () -> pending.fail(new TimeoutException(
                "not acknowledged by the broker within " + sendTimeout.toMillis() + " ms (event-bus.bridge.send-timeout)")));
        pending.outcome.whenComplete((ok, failure) -> {
            timers.cancel(timer);
            BY_ID.remove(event.id(), pending);
            count.decrementAndGet();
        });
        Pending cause = event.causationId() == null ? null : BY_ID.get(event.causationId());
        if (cause == null) {
            handOn.accept(event);
        } else {
            cause.outcome.whenComplete((ok, failure) -> {
                if (failure == null) {
                    handOn.accept(event);
                } else {
                    pending.fail(new IllegalStateException("its cause " + cause.event.id() + " was not sent"));
                }
            });
        }
        return pending.outcome;
    }

    /** The broker acknowledged the event. */
    void acknowledged(String eventId) {
        Pending pending = BY_ID.get(eventId);
        if (pending != null) {
            pending.outcome.complete(null);
        }
    }

    /** The event was refused on its way (by the channel, the producer or the broker). */
    void refused(String eventId, Throwable failure) {
        Pending pending = BY_ID.get(eventId);
        if (pending != null) {
            pending.fail(failure);
        }
    }

    /**
     * Asked by the producer each time it is about to make the event a record (retries included):
     * true while the event is pending and the producer's delivery timeout still fits before its
     * deadline; false once it failed, expired or was settled — then it must not be sent.
     */
    static boolean admit(String eventId) {
        Pending pending = BY_ID.get(eventId);
        if (pending == null || pending.outcome.isDone()) {
            return false;
        }
        if (System.nanoTime() - pending.admitBy > 0) {
            pending.fail(new TimeoutException("reached the producer too late to be settled within its deadline"));
            return false;
        }
        return true;
    }

    /** Events waiting for the broker now. */
    int pending() {
        return count.get();
    }

    private static final class Pending {
        final Event event;
        final long admitBy;
        final CompletableFuture<Void> outcome = new CompletableFuture<>();

        Pending(Event event, long admitBy) {
            this.event = event;
            this.admitBy = admitBy;
        }

        void fail(Throwable failure) {
            outcome.completeExceptionally(failure instanceof EventNotSentException ? failure
                    : new EventNotSentException(event, failure));
        }
    }
}
