package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventLog;
import dev.agentdojo.bus.LoggedEvent;
import dev.agentdojo.bus.core.LocalEventBus;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@link EventLog} of an application with the bridge. On Kafka: the latest events of the
 * chain's topics (the one the service sends to, those it receives from), read by a
 * {@link LogTailReader} started on first use, kept in memory (at most
 * {@code event-bus.bridge.log-tail-size} events, and no more than
 * {@code event-bus.bridge.log-tail-bytes} of them) and handed to followers as they come, each event
 * once (a relay may put one on the topic twice). What was on the topics before the first reader is
 * history: read whole before that reader is answered (it waits up to 3 s), never sent to followers
 * as if new. On any other connector: this instance's bus, its history and its events.
 */
@ApplicationScoped
@IfBuildProperty(name = "event-bus.bridge.enabled", stringValue = "true")
public class EventLogTail implements EventLog {

    /** How long a first reader waits for the latest events to be read. */
    private static final Duration FIRST_READ_WITHIN = Duration.ofSeconds(3);

    private final LocalEventBus bus;
    private final Vertx vertx;
    private final String instance;
    private final int keep;
    private final long keepBytes;
    private final boolean kafka;
    private final ArrayDeque<LoggedEvent> latest = new ArrayDeque<>();
    /** The size on the log of each event in {@link #latest}, in the same order, and their sum. */
    private final ArrayDeque<Integer> sizes = new ArrayDeque<>();
    private long latestBytes;
    /** The ids of the events in {@link #latest}: an event on the topic twice is shown once. */
    private final Set<String> shown = new HashSet<>();
    private final List<MultiEmitter<? super LoggedEvent>> followers = new CopyOnWriteArrayList<>();
    private final TopicOwners owners;
    private final KafkaConfig kafkaConfig;
    private final OutgoingChannelConfig outgoing;
    private final IncomingChannelConfig incoming;
    private LogTailReader reader; // guarded by this
    private boolean stopped; // guarded by this

    EventLogTail(LocalEventBus bus, BridgeConfig config, Vertx vertx, KafkaConfig kafkaConfig, OutgoingChannelConfig outgoing,
                 IncomingChannelConfig incoming) {
        this.bus = bus;
        this.vertx = vertx;
        this.instance = config.instanceId();
        this.keep = config.logTailSize();
        this.keepBytes = config.logTailBytes().asLongValue();
        this.owners = new TopicOwners(config.topicEvents());
        this.kafkaConfig = kafkaConfig;
        this.outgoing = outgoing;
        this.incoming = incoming;
        this.kafka = incoming.onKafka();
    }

    @Override
    public List<LoggedEvent> latest(int max) {
        if (!kafka) {
            List<Event> history = bus.getHistory();
            return history.subList(Math.max(0, history.size() - max), history.size()).stream()
                    .map(e -> new LoggedEvent(e, instance)).toList();
        }
        start();
        synchronized (this) {
            List<LoggedEvent> all = new ArrayList<>(latest);
            return List.copyOf(all.subList(Math.max(0, all.size() - max), all.size()));
        }
    }

    @Override
    public Multi<LoggedEvent> follow(int withLatest) {
        if (!kafka) {
            return Multi.createFrom().emitter(emitter -> {
                latest(withLatest).forEach(emitter::emit);
                var subscription = bus.on(EventBus.ALL, e -> emitter.emit(new LoggedEvent(e, instance)));
                emitter.onTermination(subscription::close);
            });
        }
        return Multi.createFrom().<LoggedEvent>emitter(emitter -> {
            start();
            synchronized (this) { // the latest and what follows them, with nothing lost or shown twice between
                List<LoggedEvent> all = new ArrayList<>(latest);
                all.subList(Math.max(0, all.size() - withLatest), all.size()).forEach(emitter::emit);
                followers.add(emitter);
            }
            emitter.onTermination(() -> followers.remove(emitter));
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()); // the first reader may wait for the first read: never on an event loop
    }

    /** On Kafka: whether its reader holds the topics' partitions and polls. */
    @Override
    public boolean isFollowing() {
        LogTailReader r;
        synchronized (this) {
            r = reader;
        }
        return !kafka || (r != null && r.isFollowing());
    }

    /** Starts the reader on first use, and waits (not on an event loop) for the history to be read. */
    private void start() {
        LogTailReader r;
        synchronized (this) {
            if (reader == null && !stopped) {
                reader = new LogTailReader(vertx, kafkaConfig, outgoing, incoming, instance, keep, owners, this::publish);
                reader.start();
            }
            r = reader;
        }
        if (r != null) {
            r.awaitFirstRead(FIRST_READ_WITHIN); // outside the lock: the first read publishes under it
        }
    }

    private synchronized void publish(List<LogTailReader.Sized> batch, boolean history) {
        for (LogTailReader.Sized sized : batch) {
            LoggedEvent e = sized.logged();
            if (!shown.add(e.event().id())) {
                continue; // on the topic twice (relays deliver at least once): shown once
            }
            latest.addLast(e);
            sizes.addLast(sized.bytes());
            latestBytes += sized.bytes();
            while (latest.size() > keep || (latestBytes > keepBytes && latest.size() > 1)) {
                shown.remove(latest.removeFirst().event().id());
                latestBytes -= sizes.removeFirst();
            }
            if (!history) { // the history read first is kept, not sent to followers
                for (MultiEmitter<? super LoggedEvent> follower : followers) {
                    follower.emit(e);
                }
            }
        }
    }

    @PreDestroy
    void stop() {
        LogTailReader r;
        synchronized (this) {
            stopped = true;
            r = reader;
        }
        if (r != null) {
            r.stop();
        }
    }
}
