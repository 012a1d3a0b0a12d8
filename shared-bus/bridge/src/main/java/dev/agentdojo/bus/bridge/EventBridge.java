package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.Bridge;
import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventNotSentException;
import dev.agentdojo.bus.EventOutbox;
import dev.agentdojo.bus.core.LocalEventBus;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * Carries events between services over SmallRye Reactive Messaging: Kafka in real runs (one topic,
 * {@code agent-dojo.events}), the in-memory connector in tests. Exists when
 * {@code event-bus.bridge.enabled=true} at build time.
 *
 * <h2>Out ({@link BridgeSender})</h2>
 * Every event emitted here whose name {@code event-bus.bridge.include} matches and
 * {@code event-bus.bridge.exclude} does not (default: all but {@code error}) crosses as a JSON
 * {@link Envelope}, keyed by its correlation id (so one chain's events stay in order on one
 * partition). Args that cannot be written as JSON, or an envelope larger than
 * {@code event-bus.bridge.max-record-size} bytes, fail the emit with an
 * {@link IllegalArgumentException} and nothing is emitted. With an {@link EventOutbox} bean (the
 * services have one), the event goes to the outbox, in the emitter's transaction or one of its own,
 * and a relay {@linkplain #publish publishes} it once committed; without one, it is sent at emit, and
 * {@code emit}'s {@code Uni} completes once the broker has acknowledged it (or fails with
 * {@link EventNotSentException}).
 *
 * <h2>In ({@link BridgeReceiver})</h2>
 * Each received envelope is delivered to the local bus as if emitted here, so its listeners run and
 * what they emit names it as the cause, and the record is acknowledged only when those listeners
 * have completed: delivery is at-least-once, and listeners must be idempotent (the services make
 * every effect a database write that a second delivery leaves unchanged). When a listener fails for
 * a reason that passes ({@link Failures}: the database is away, a timeout), the event is
 * delivered again after {@code event-bus.bridge.retry-first-wait}, then twice as long each time up
 * to {@code retry-max-wait}, until it succeeds or the application stops; its record stays
 * unacknowledged meanwhile, so nothing after it on its partition is committed past it. A record that
 * is not a valid envelope, or whose listeners fail for a reason that does not pass, is
 * <em>dead-lettered</em>: logged once (without its content), counted
 * ({@code agentdojo_bridge_dead_lettered_total{reason}}) and handed to the channel's failure
 * strategy ({@code dead-letter-queue} on Kafka: the record goes to the topic
 * {@code agent-dojo.events.dlq} with the reason in its headers), and the partition moves on. An
 * application with a {@link DeadLetterStore} bean has each dead letter recorded there first, and
 * may hand one to its listeners again with {@link #handleAgain}.
 * A record must carry a name its topic's owner sends ({@code event-bus.bridge.topic-events},
 * {@link TopicOwners}), whatever source it claims, or it is dead-lettered (reason {@code not-owners});
 * only then are events from this service itself (any of its instances) skipped — their listeners
 * ran where they were emitted — and duplicates (an id seen within the last
 * {@code event-bus.bridge.dedupe-window} ids). Up to {@code event-bus.bridge.concurrency} received
 * events are handled at once. A record not settled for longer than
 * {@code event-bus.bridge.stalled-after}, or one the dead-letter topic refuses, is reported by
 * {@link #stalled} (readiness), and the age of the oldest unsettled one is the gauge
 * {@code agentdojo_bridge_oldest_unacknowledged_seconds} ({@link UnsettledRecords}).
 *
 * <p>{@code @OnEvent} methods see every received event: they are registered when the bus is made,
 * before the bridge exists. So do listeners registered in a {@code StartupEvent} observer of
 * default priority, or earlier: the bridge starts consuming after them.
 */
@ApplicationScoped
@IfBuildProperty(name = "event-bus.bridge.enabled", stringValue = "true")
public class EventBridge implements Bridge {

    private static final Logger LOG = Logger.getLogger(EventBridge.class);

    /** The Kafka header that names the instance (event-bus.bridge.instance-id) that sent an event. */
    public static final String INSTANCE_HEADER = "agent-dojo-instance";
    /** The Kafka header that names the application (the event's source) that sent an event. */
    public static final String SOURCE_HEADER = "agent-dojo-source";
    /** The Kafka header with the event's id. */
    public static final String EVENT_ID_HEADER = "agent-dojo-event-id";

    private final LocalEventBus bus;
    private final Multi<Message<String>> in;
    private final int concurrency;
    private final BridgeSender sender;
    private final BridgeReceiver receiver;
    private final BridgeWarmUp warmUp;
    private final boolean consumesKafka;
    private volatile Cancellable consuming;
    private volatile boolean ready;
    private volatile boolean stopped;
    private volatile boolean receiving = true;

    @Inject
    EventBridge(LocalEventBus bus, BridgeConfig config,
                @Channel(OUTGOING) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16_384) Emitter<String> out,
                @Channel(INCOMING) Multi<Message<String>> in, Instance<EventOutbox> outboxes,
                Instance<MeterRegistry> registry, EventTraces traces, Failures failures, OutgoingChannelConfig outgoing,
                IncomingChannelConfig incoming, Instance<DeadLetterStore> stores, BridgeWarmUp warmUp) {
        this.bus = bus;
        this.in = in;
        BridgeMetrics metrics = new BridgeMetrics(registry.isResolvable() ? registry.get() : null);
        this.sender = new BridgeSender(config, out, outboxes.isResolvable() ? outboxes.get() : null, metrics, traces,
                outgoing.topic());
        if (config.concurrency() < 1) {
            throw new IllegalArgumentException("event-bus.bridge.concurrency must be at least 1, was "
                    + config.concurrency());
        }
        this.concurrency = config.concurrency();
        requireDeclaredTopics(config, TopicOwners.bridgeTopics(outgoing, incoming));
        this.receiver = new BridgeReceiver(bus, config, metrics, traces, failures, () -> stopped,
                stores.isResolvable() ? stores.get() : DeadLetterStore.NONE);
        this.warmUp = warmUp;
        this.consumesKafka = incoming.onKafka();
    }

    /**
     * Refuses to start unless each of the bridge's topics has its list of names
     * ({@code event-bus.bridge.topic-events."<topic>"}): without one, a topic renamed in the
     * configuration would silently carry nothing, or, were it open, anything.
     */
    static void requireDeclaredTopics(BridgeConfig config, List<String> bridgeTopics) {
        List<String> missing = new TopicOwners(config.topicEvents()).undeclared(bridgeTopics);
        if (!missing.isEmpty()) {
            Set<String> properties = new LinkedHashSet<>();
            missing.forEach(topic -> properties.add(TopicOwners.property(topic)));
            throw new ConfigurationException("The bridge sends to or receives from " + String.join(", ", missing)
                    + ", whose events are not declared: set " + String.join(" and ", properties) + " to the names the topic's "
                    + "owner sends (e.g. " + TopicOwners.property(missing.get(0)) + "=order:created,payment:process), "
                    + "so that a record with any other name is dead-lettered", properties);
        }
    }

    void start(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER) StartupEvent started) {
        bus.bridgePort().addOutboundHook(sender::send);
        consuming = in.onItem().transformToUni(receiver::receive).merge(concurrency)
                .subscribe().with(
                        ignored -> { },
                        failure -> ended(failure),
                        () -> ended(null));
        ready = true;
        LOG.infof("Bridge of '%s' started: %s, receives every other service's events", bus.source(), sender);
        if (!consumesKafka) {
            warmUp.begin(); // no consumer to be assigned: the service takes events from now on
        }
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public boolean isReceiving() {
        return receiving || stopped;
    }

    @Override
    public String stalled() {
        return receiver.stalled();
    }

    private void ended(Throwable failure) {
        if (stopped) {
            return;
        }
        receiving = false;
        LOG.errorf(failure, "The bridge stopped receiving events from other services; liveness is DOWN so that the instance is restarted");
    }

    /** The application stops: take no more events from the moment it is told (some resources may already be closing). */
    void stopConsuming(@Observes ShutdownEvent stopping) {
        stop();
    }

    @PreDestroy
    void stop() {
        stopped = true;
        Cancellable c = consuming;
        if (c != null) {
            c.cancel();
        }
    }

    /** Whether events named {@code name} cross to other services. Called on every emit: no allocation. */
    public boolean crosses(String name) {
        return sender.crosses(name);
    }

    /** The headers a record of {@code event} carries, whether sent at emit or relayed from an outbox. */
    public Map<String, String> headers(Event event) {
        return sender.headers(event);
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Hands a dead letter — the record's value {@code envelope}, read from {@code topic} — to this
     * service's listeners again, through the same handling as a record received now: read as an
     * envelope, checked against its topic's owner, skipped if it is this service's own or was handled
     * here already, delivered, tried again after failures that pass, and set aside again (not written
     * to the dead-letter topic a second time) after one that does not. Completes once it is settled,
     * with what became of it; with null when the application stopped first. Never fails.
     *
     * @param letter the letter's id, for log lines and readiness
     */
    public Uni<HandledAgain> handleAgain(String topic, String envelope, String letter) {
        return receiver.handleAgain(topic, envelope, letter);
    }

    @Override
    public CompletionStage<Void> publish(String key, String envelope, Map<String, String> headers) {
        return sender.publish(key, envelope, headers);
    }
}
