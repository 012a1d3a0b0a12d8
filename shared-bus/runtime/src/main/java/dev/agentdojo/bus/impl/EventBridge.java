package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.Bridge;
import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventNotSentException;
import dev.agentdojo.bus.OwnEventLogged;
import dev.agentdojo.bus.ReplayedEvent;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Carries events between services over SmallRye Reactive Messaging: Kafka in real runs (one topic,
 * {@code agent-dojo.events}), the in-memory connector in tests. Exists when
 * {@code event-bus.bridge.enabled=true} at build time.
 *
 * <h2>Out</h2>
 * Every event emitted here whose name {@code event-bus.bridge.include} matches and
 * {@code event-bus.bridge.exclude} does not (default: all but {@code error}) is written as a JSON
 * {@link Envelope}, keyed by its correlation id (so one chain's events stay in order on one
 * partition), before any local listener runs. Args that cannot be written as JSON fail the emit
 * with an {@link IllegalArgumentException} and nothing is emitted. {@code emit}'s {@code Uni}
 * completes only once the broker has acknowledged the event, and fails with
 * {@link EventNotSentException} within {@code event-bus.bridge.send-timeout} of the call when it was
 * not (an event failed so never reaches the log later); beyond {@code event-bus.bridge.max-pending}
 * events waiting for the broker, {@code emit} fails at once. An event caused by one still on its way
 * follows it onto the log, and fails if its cause fails (see {@link Outbox}).
 *
 * <h2>In</h2>
 * Each received envelope is delivered to the local bus as if emitted here, so its listeners run
 * and what they emit names it as the cause, and is acknowledged only when those listeners have
 * completed: delivery is at-least-once. Events from this service itself (any of its instances) are
 * not delivered — their listeners ran where they were emitted — but reported as
 * {@link OwnEventLogged} to its observers, if any; so is a
 * duplicate (an id seen within the last {@code event-bus.bridge.dedupe-window} ids). A message that
 * is not a valid envelope is logged and skipped; it never stops the consumer. Up to
 * {@code event-bus.bridge.concurrency} received events are handled at once.
 *
 * <h2>Replay</h2>
 * With {@code event-bus.bridge.replay=true}, the bridge first reads the whole topic and fires a
 * {@link ReplayedEvent} for each event on it, so the service rebuilds its state before it handles
 * anything new.
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

    private final LocalEventBus bus;
    private final Emitter<String> out;
    private final Multi<Message<String>> in;
    private final List<String> include;
    private final List<String> exclude;
    private final DeliveredIds delivered;
    private final int concurrency;
    private final boolean replay;
    private final Duration replayTimeout;
    private final jakarta.enterprise.event.Event<ReplayedEvent> replayed;
    private final jakarta.enterprise.event.Event<OwnEventLogged> ownLogged;
    private final boolean ownLoggedObserved;
    private final Outbox outbox;
    private final Vertx vertx;
    private final int warmUpRounds;
    private final byte[] instanceId;
    private final byte[] source;
    private volatile Cancellable consuming;
    private volatile boolean ready;

    @Inject
    EventBridge(LocalEventBus bus, EventBusConfig config,
                @Channel(OUTGOING) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16_384) Emitter<String> out,
                @Channel(INCOMING) Multi<Message<String>> in,
                jakarta.enterprise.event.Event<ReplayedEvent> replayed,
                jakarta.enterprise.event.Event<OwnEventLogged> ownLogged, BeanManager beans, Vertx vertx) {
        this.bus = bus;
        this.out = out;
        this.in = in;
        this.include = List.copyOf(config.bridge().include());
        this.exclude = List.copyOf(config.bridge().exclude());
        include.forEach(EventNames::requireNameOrPattern);
        exclude.forEach(EventNames::requireNameOrPattern);
        this.delivered = new DeliveredIds(config.bridge().dedupeWindow());
        if (config.bridge().concurrency() < 1) {
            throw new IllegalArgumentException("event-bus.bridge.concurrency must be at least 1, was "
                    + config.bridge().concurrency());
        }
        this.concurrency = config.bridge().concurrency();
        this.replay = config.bridge().replay();
        this.replayTimeout = config.bridge().replayTimeout();
        this.replayed = replayed;
        this.ownLogged = ownLogged;
        this.ownLoggedObserved = !beans.resolveObserverMethods(new OwnEventLogged(null)).isEmpty();
        this.vertx = vertx;
        this.warmUpRounds = config.bridge().warmUpRounds();
        this.instanceId = config.bridge().instanceId().getBytes(StandardCharsets.UTF_8);
        this.source = bus.source().getBytes(StandardCharsets.UTF_8);
        this.outbox = new Outbox(config.bridge().maxPending(), config.bridge().sendTimeout(), producerDeliveryTimeout(),
                new Outbox.Timers() {
                    @Override
                    public long schedule(Duration delay, Runnable task) {
                        return vertx.setTimer(Math.max(1, delay.toMillis()), id -> task.run());
                    }

                    @Override
                    public void cancel(long id) {
                        vertx.cancelTimer(id);
                    }
                });
    }

    /**
     * How long the Kafka producer may take to settle an event it was handed: its
     * {@code delivery.timeout.ms} (Kafka's default 120 s). Other connectors settle at once.
     */
    private static Duration producerDeliveryTimeout() {
        Config config = ConfigProvider.getConfig();
        String prefix = "mp.messaging.outgoing." + OUTGOING + ".";
        boolean kafka = config.getOptionalValue(prefix + "connector", String.class).orElse("").equals("smallrye-kafka");
        return kafka ? Duration.ofMillis(config.getOptionalValue(prefix + "delivery.timeout.ms", Long.class).orElse(120_000L))
                : Duration.ZERO;
    }

    void start(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER) StartupEvent started) {
        if (replay) {
            Config config = ConfigProvider.getConfig();
            String topic = config.getOptionalValue("mp.messaging.incoming." + INCOMING + ".topic", String.class)
                    .orElse(INCOMING);
            String servers = config.getOptionalValue("mp.messaging.incoming." + INCOMING + ".bootstrap.servers", String.class)
                    .or(() -> config.getOptionalValue("kafka.bootstrap.servers", String.class))
                    .orElse("localhost:9092");
            new EventLogReplay(servers, topic, replayTimeout).replay(replayed::fire);
        }
        BridgeWarmUp.run(vertx, warmUpRounds);
        bus.addOutboundHook(this::send);
        consuming = in.onItem().transformToUni(this::receive).merge(concurrency)
                .subscribe().with(
                        ignored -> { },
                        failure -> LOG.errorf(failure, "The bridge stopped receiving events from other services"));
        ready = true;
        LOG.infof("Bridge of '%s' started: sends %s except %s, receives every other service's events",
                bus.source(), include, exclude);
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    /** The application stops: take no more events from the moment it is told (some resources may already be closing). */
    void stopConsuming(@Observes ShutdownEvent stopping) {
        stop();
    }

    @PreDestroy
    void stop() {
        Cancellable c = consuming;
        if (c != null) {
            c.cancel();
        }
    }

    /** Whether events named {@code name} cross to other services. Called on every emit: no allocation. */
    public boolean crosses(String name) {
        return matchesAny(include, name) && !matchesAny(exclude, name);
    }

    private static boolean matchesAny(List<String> patterns, String name) {
        for (int i = 0; i < patterns.size(); i++) {
            if (EventNames.matches(patterns.get(i), name)) {
                return true;
            }
        }
        return false;
    }

    private CompletionStage<?> send(Event event) {
        if (!crosses(event.name())) {
            return null;
        }
        String json = Envelope.encode(event); // before anything is tracked: args that cannot be JSON fail here
        return outbox.open(event, e -> handOn(e, json));
    }

    /** Hands the envelope to the outgoing channel; the broker's answer settles the event in the outbox. */
    private void handOn(Event event, String json) {
        Message<String> message = Message.of(json, Metadata.of(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(event.correlationId())
                        .withHeaders(new RecordHeaders()
                                .add(EnvelopeSerializer.EVENT_ID_HEADER, event.id().getBytes(StandardCharsets.UTF_8))
                                .add(INSTANCE_HEADER, instanceId)
                                .add(SOURCE_HEADER, source))
                        .build()))
                .withAck(() -> {
                    outbox.acknowledged(event.id());
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    outbox.refused(event.id(), failure);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            out.send(message);
            bus.metrics().bridge("published");
        } catch (RuntimeException e) {
            outbox.refused(event.id(), e);
        }
    }

    private Uni<Void> receive(Message<String> message) {
        if (!ownLoggedObserved && sentHere(message)) {
            return acknowledge(message); // its listeners ran where it was emitted: not even parsed
        }
        Event event;
        try {
            event = Envelope.decode(message.getPayload());
        } catch (IllegalArgumentException e) {
            LOG.warnf("Skipped a message on channel %s: %s", INCOMING, e.getMessage());
            bus.metrics().bridgeSkipped("invalid");
            return acknowledge(message);
        }
        if (event.source().equals(bus.source())) {
            if (!ownLoggedObserved) {
                return acknowledge(message);
            }
            return Uni.createFrom().completionStage(() -> ownLogged.fireAsync(new OwnEventLogged(event)))
                    .onFailure().invoke(e -> LOG.errorf(e, "An observer of OwnEventLogged failed on event %s ('%s')", event.id(), event.name()))
                    .onFailure().recoverWithNull()
                    .chain(() -> acknowledge(message));
        }
        if (!delivered.firstTime(event.id())) {
            LOG.debugf("Skipped duplicate of event %s ('%s')", event.id(), event.name());
            bus.metrics().bridgeSkipped("duplicate");
            return acknowledge(message);
        }
        bus.metrics().bridge("consumed");
        Uni<Void> handled;
        try {
            handled = bus.deliver(event);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Could not deliver event %s ('%s')", event.id(), event.name());
            handled = Uni.createFrom().voidItem();
        }
        // a listener failure is the application's (already logged or routed to 'error'), not the transport's
        return handled.onFailure().recoverWithNull().chain(() -> acknowledge(message));
    }

    /** Whether a Kafka record's source header names this application (a record without one is read in full). */
    @SuppressWarnings("unchecked")
    private boolean sentHere(Message<String> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(metadata -> ((IncomingKafkaRecordMetadata<String, String>) metadata).getHeaders().lastHeader(SOURCE_HEADER))
                .map(header -> Arrays.equals(header.value(), source))
                .orElse(false);
    }

    private static Uni<Void> acknowledge(Message<String> message) {
        return Uni.createFrom().completionStage(message::ack);
    }
}
