package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.ListenerFailedException;
import dev.agentdojo.bus.core.LocalEventBus;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Hands each record the bridge receives to the local bus, and settles it: acknowledged once its
 * listeners completed, delivered again after a failure that passes, dead-lettered otherwise. Before
 * anything is skipped, a record must be an event envelope and carry a name its topic's owner sends
 * ({@link TopicOwners}), whatever source it claims in its header or envelope: one that is not, or
 * does not, is dead-lettered. Then a record this service sent, or a copy of an event already
 * handled, is acknowledged untouched, and a copy of one being handled is settled as that one is
 * ({@link HandledEvents}). Every record in flight is tracked until it is settled
 * ({@link UnsettledRecords}), so that one the consumer cannot move past is seen. A dead letter
 * handed to the listeners again ({@link #handleAgain}) goes through the same checks and handling as
 * a record from the topic. See {@link EventBridge}, "In".
 */
final class BridgeReceiver {

    private static final Logger LOG = Logger.getLogger(EventBridge.class);

    private final LocalEventBus bus;
    private final BridgeMetrics metrics;
    private final BooleanSupplier stopped;
    private final HandledEvents handled;
    private final TopicOwners owners;
    private final EventTraces traces;
    private final byte[] source;
    private final Duration retryFirstWait;
    private final Duration retryMaxWait;
    private final UnsettledRecords unsettled;
    private final DeadLetters deadLetters;
    private final DeadLetterStore store;
    /** Whether a listener's failure passes: handled again later, else dead-lettered. */
    private final Failures failures;

    BridgeReceiver(LocalEventBus bus, BridgeConfig config, BridgeMetrics metrics, EventTraces traces, Failures failures,
                   BooleanSupplier stopped) {
        this(bus, config, metrics, traces, failures, stopped, DeadLetterStore.NONE);
    }

    BridgeReceiver(LocalEventBus bus, BridgeConfig config, BridgeMetrics metrics, EventTraces traces, Failures failures,
                   BooleanSupplier stopped, DeadLetterStore store) {
        this.store = store;
        this.failures = failures;
        this.bus = bus;
        this.traces = traces;
        this.metrics = metrics;
        this.stopped = stopped;
        this.handled = new HandledEvents(config.dedupeWindow());
        this.owners = new TopicOwners(config.topicEvents());
        this.source = bus.source().getBytes(StandardCharsets.UTF_8);
        this.retryFirstWait = config.retryFirstWait();
        this.retryMaxWait = config.retryMaxWait();
        this.unsettled = new UnsettledRecords(config.stalledAfter(), System::nanoTime);
        metrics.unsettled(unsettled);
        this.deadLetters = new DeadLetters(metrics);
        if (retryFirstWait.isNegative() || retryFirstWait.isZero() || retryMaxWait.compareTo(retryFirstWait) < 0) {
            throw new IllegalArgumentException("event-bus.bridge.retry-first-wait must be positive and at most "
                    + "event-bus.bridge.retry-max-wait, were " + retryFirstWait + " and " + retryMaxWait);
        }
    }

    /** Why the consumer cannot move on (see {@link UnsettledRecords#problem}), or null. */
    String stalled() {
        return unsettled.problem();
    }

    /** The records received and not settled yet. */
    UnsettledRecords unsettled() {
        return unsettled;
    }

    /** Settles {@code message}; the {@code Uni} never fails (a failure would end the bridge's stream). */
    Uni<Void> receive(Message<String> message) {
        return receive(new KafkaRecord(message, store));
    }

    /**
     * Hands a dead letter to the listeners again, as if it were read from {@code topic} now:
     * answers what became of it; null when the application stopped before it was settled.
     */
    Uni<HandledAgain> handleAgain(String topic, String envelope, String letter) {
        RetriedLetter retried = new RetriedLetter(topic, envelope, letter);
        return receive(retried).map(settled -> retried.outcome());
    }

    private Uni<Void> receive(Received message) {
        UnsettledRecords.Unsettled record = unsettled.taken(message.where());
        return Uni.createFrom().deferred(() -> settle(message, record))
                .onTermination().invoke(record::settled);
    }

    private Uni<Void> settle(Received message, UnsettledRecords.Unsettled record) {
        Event event;
        try {
            event = Envelope.decode(message.payload());
        } catch (IllegalArgumentException e) {
            return deadLetters.setAside(message, record, "invalid", "a record that is not an event envelope", e);
        }
        record.carries("event " + event.id() + " ('" + event.name() + "')");
        String topic = message.topic();
        // before any skip: a record whose header or envelope claims this service as its source is checked as any other
        if (!owners.allows(topic, event.name())) {
            return deadLetters.setAside(message, record, "not-owners", "event " + event.id() + " ('" + event.name() + "')",
                    new IllegalArgumentException("topic " + topic + " carries only " + owners.allowedOn(topic)
                            + ": its owner does not send '" + event.name() + "'"));
        }
        if (message.sentBy(source) || event.source().equals(bus.source())) {
            message.skipped("own");
            return acknowledge(message); // its listeners ran where it was emitted
        }
        if (handled.wasHandled(event.id())) {
            return skipDuplicate(message, event);
        }
        CompletableFuture<Boolean> other = handled.begin(event.id());
        if (other != null) { // another copy is being handled: this one is settled as that one is
            record.waits("it waits for another copy of its event, being handled");
            return Uni.createFrom().completionStage(other).chain(done -> done ? skipDuplicate(message, event)
                    : stopped.getAsBoolean() ? Uni.createFrom().voidItem() : settle(message, record));
        }
        metrics.count("consumed");
        // before the listeners run: what they emit belongs to this span's trace
        EventTraces.Handling span = traces.startHandling(topic, event, message.traceHeaders());
        return handle(message, record, event)
                .onTermination().invoke((done, failure, cancelled) -> {
                    handled.finished(event.id(), done == Boolean.TRUE);
                    span.end(failure);
                })
                .replaceWithVoid();
    }

    private Uni<Void> skipDuplicate(Received message, Event event) {
        LOG.debugf("Skipped duplicate of event %s ('%s')", event.id(), event.name());
        metrics.skipped("duplicate");
        message.skipped("duplicate");
        return acknowledge(message);
    }

    private Uni<Void> deliverNow(Event event, boolean again) {
        try {
            return again ? bus.bridgePort().redeliver(event) : bus.bridgePort().deliver(event);
        } catch (RuntimeException | Error e) { // never out of the consumer's stream: it would stop taking events
            return Uni.createFrom().failure(e);
        }
    }

    /**
     * Delivers {@code event} to the local listeners and acknowledges once they completed; after a
     * failure that passes, delivers it again with Mutiny's back-off (from
     * {@code event-bus.bridge.retry-first-wait} up to {@code retry-max-wait}, with jitter) for as
     * long as the application runs; dead-letters the rest. Answers whether the listeners completed.
     */
    private Uni<Boolean> handle(Received message, UnsettledRecords.Unsettled record, Event event) {
        AtomicInteger tries = new AtomicInteger();
        return Uni.createFrom().deferred(() -> stopped.getAsBoolean() && tries.get() > 0
                        ? Uni.createFrom().<Void>failure(new IllegalStateException("the application stops"))
                        : deliverNow(event, tries.getAndIncrement() > 0))
                .onFailure(failure -> again(record, event, cause(failure), tries.get()))
                .retry().withBackOff(retryFirstWait, retryMaxWait).indefinitely()
                .onItemOrFailure().transformToUni((ok, failure) -> {
                    if (failure == null) {
                        if (tries.get() > 1) {
                            LOG.infof("Event %s ('%s') handled after %d tries", event.id(), event.name(), tries.get());
                        }
                        return acknowledge(message).replaceWith(Boolean.TRUE);
                    }
                    if (stopped.getAsBoolean()) {
                        return Uni.createFrom().item(Boolean.FALSE); // not acknowledged: handled again after the restart, here or by a sibling
                    }
                    return deadLetters.setAside(message, record, "failed", "event " + event.id() + " ('" + event.name() + "'), whose listeners failed",
                            cause(failure)).replaceWith(Boolean.FALSE);
                });
    }

    /** Whether a failed delivery is tried again: its failure passes, and the application runs on. */
    private boolean again(UnsettledRecords.Unsettled record, Event event, Throwable cause, int tries) {
        if (stopped.getAsBoolean() || !failures.passes(cause)) {
            return false;
        }
        record.waits("retried because " + cause + " (tried " + tries + (tries == 1 ? " time)" : " times)"));
        if (tries == 1) {
            LOG.warnf("Event %s ('%s') could not be handled yet, tried again in about %d ms and on until it is: %s",
                    event.id(), event.name(), retryFirstWait.toMillis(), cause.toString());
        }
        return true;
    }

    /** What made the listeners fail, out of the bus's and the futures' wrappers. */
    private static Throwable cause(Throwable failure) {
        return failure instanceof ListenerFailedException && failure.getCause() != null
                ? EventBridge.unwrap(failure.getCause()) : EventBridge.unwrap(failure);
    }

    private static Uni<Void> acknowledge(Received message) {
        return Uni.createFrom().completionStage(message::acknowledge);
    }
}
