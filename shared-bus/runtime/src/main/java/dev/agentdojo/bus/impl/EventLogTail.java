package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.Bridge;
import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventLog;
import dev.agentdojo.bus.LoggedEvent;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@link EventLog} of an application with the bridge. On Kafka: a thread of its own polls the
 * topics of the chain (the one the service sends to, those it receives from) with a consumer of no
 * group, logged in as the service (assigned every partition, starting at the latest
 * {@code event-bus.bridge.log-tail-size} records of each, and no more than
 * {@code event-bus.bridge.log-tail-bytes} in all), started on first use. Those records are
 * history: read whole and kept in time order before the first reader is answered (it waits up to 3 s),
 * never sent to followers as if new; what is logged after them is, each event once (a relay may put
 * one on the topic twice). A broker away at first use or
 * later does not end it: it tries again by itself and follows the topic once it is back. On any
 * other connector: this instance's bus, its history and its events.
 */
@ApplicationScoped
@IfBuildProperty(name = "event-bus.bridge.enabled", stringValue = "true")
public class EventLogTail implements EventLog {

    private static final Logger LOG = Logger.getLogger(EventLogTail.class);
    /** How long a first reader waits for the latest events to be read. */
    private static final Duration FIRST_READ_WITHIN = Duration.ofSeconds(3);
    /** How long the tail waits before it tries again to reach the topic; then twice as long, up to the max. */
    private static final Duration RETRY_FIRST_WAIT = Duration.ofMillis(250);
    private static final Duration RETRY_MAX_WAIT = Duration.ofSeconds(5);

    private final LocalEventBus bus;
    private final String instance;
    private final int keep;
    private final long keepBytes;
    /** The size on the log of each event in {@link #latest}, in the same order, and their sum. */
    private final ArrayDeque<Integer> sizes = new ArrayDeque<>();
    private long latestBytes;
    private final boolean kafka;
    private final ArrayDeque<LoggedEvent> latest = new ArrayDeque<>();
    /** The ids of the events in {@link #latest}: an event on the topic twice is shown once. */
    private final java.util.Set<String> shown = new java.util.HashSet<>();
    private final List<MultiEmitter<? super LoggedEvent>> followers = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstRead = new CountDownLatch(1);
    private Thread thread;
    private volatile boolean stopped;
    private volatile KafkaConsumer<String, String> consumer;
    private volatile boolean following;
    /** Where each partition was read up to: the tail resumes there when it reconnects (its thread only). */
    private final Map<TopicPartition, Long> resumeAt = new java.util.HashMap<>();

    EventLogTail(LocalEventBus bus, EventBusConfig config) {
        this.bus = bus;
        this.instance = config.bridge().instanceId();
        this.keep = config.bridge().logTailSize();
        this.keepBytes = config.bridge().logTailBytes().asLongValue();
        Config mp = ConfigProvider.getConfig();
        this.kafka = mp.getOptionalValue("mp.messaging.incoming." + Bridge.INCOMING + ".connector", String.class)
                .orElse("").equals("smallrye-kafka");
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

    private void start() {
        synchronized (this) {
            if (thread == null && !stopped) {
                thread = new Thread(this::tail, "agent-dojo-events-log-tail");
                thread.setDaemon(true);
                thread.start();
            }
        }
        if (firstRead.getCount() > 0) { // outside the lock: the first read publishes under it
            try {
                firstRead.await(FIRST_READ_WITHIN.toMillis(), TimeUnit.MILLISECONDS); // not on an event loop: wait() is out
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Follows the topic until the application stops. When the broker is away (at first use or
     * later) or the topic does not exist yet, it tries again, waiting twice as long each time up to
     * {@link #RETRY_MAX_WAIT}, and follows again once it can; {@link #isFollowing} says which.
     */
    private void tail() {
        Properties props = consumerProperties();
        List<String> topics = chainTopics(ConfigProvider.getConfig());
        long wait = RETRY_FIRST_WAIT.toMillis();
        String lastProblem = null;
        try {
            while (!stopped) {
                try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
                    consumer = c;
                    if (stopped) {
                        return;
                    }
                    follow(c, topics);
                } catch (WakeupException stopping) {
                    return; // stop() woke the consumer up
                } catch (RuntimeException e) {
                    following = false;
                    if (!e.toString().equals(lastProblem)) {
                        LOG.warnf("The tail of the event log stopped; it starts again by itself: %s", e.toString());
                        lastProblem = e.toString();
                    }
                }
                if (!pause(wait)) {
                    return;
                }
                wait = Math.min(wait * 2, RETRY_MAX_WAIT.toMillis());
            }
        } finally {
            following = false;
            firstRead.countDown();
        }
    }

    /**
     * The topics of the chain as this service sees it: the one it sends to and those it receives
     * from (the bridge's two channels).
     */
    static List<String> chainTopics(Config config) {
        java.util.LinkedHashSet<String> topics = new java.util.LinkedHashSet<>();
        config.getOptionalValue("mp.messaging.outgoing." + Bridge.OUTGOING + ".topic", String.class).ifPresent(topics::add);
        String incoming = "mp.messaging.incoming." + Bridge.INCOMING + ".";
        config.getOptionalValues(incoming + "topics", String.class)
                .or(() -> config.getOptionalValue(incoming + "topic", String.class).map(List::of))
                .ifPresent(topics::addAll);
        return topics.isEmpty() ? List.of(Bridge.INCOMING) : List.copyOf(topics);
    }

    /** Reads the topics with {@code c} until the application stops; throws when the consumer fails. */
    private void follow(KafkaConsumer<String, String> c, List<String> topics) {
        // What was on the log when the tail started is history, read before anyone follows; not live events.
        Map<TopicPartition, Long> history = assign(c, topics);
        List<Sized> catchingUp = new ArrayList<>();
        long wait = RETRY_FIRST_WAIT.toMillis();
        while (!stopped) {
            if (c.assignment().isEmpty()) { // the broker is away, or the topic does not exist yet: nothing to poll
                following = false;
                if (!pause(wait)) {
                    return;
                }
                wait = Math.min(wait * 2, RETRY_MAX_WAIT.toMillis());
                history = assign(c, topics);
                continue;
            }
            wait = RETRY_FIRST_WAIT.toMillis();
            List<Sized> batch = new ArrayList<>();
            for (ConsumerRecord<String, String> record : c.poll(Duration.ofMillis(500))) {
                try {
                    batch.add(new Sized(new LoggedEvent(Envelope.decode(record.value()), instanceOf(record)), record.serializedValueSize()));
                } catch (IllegalArgumentException notAnEvent) {
                    // dead-lettered by the bridge, which logs it; not an event to show
                }
            }
            following = true;
            for (TopicPartition p : c.assignment()) {
                resumeAt.put(p, c.position(p));
            }
            batch.sort(Comparator.comparing(e -> e.logged().event().timestamp()));
            if (firstRead.getCount() > 0) {
                catchingUp.addAll(batch);
                if (readUpTo(c, history)) { // the whole history, in time order, before anyone follows
                    catchingUp.sort(Comparator.comparing(e -> e.logged().event().timestamp()));
                    publish(catchingUp);
                    catchingUp = new ArrayList<>();
                    firstRead.countDown();
                }
            } else {
                publish(batch);
            }
        }
    }

    /** Waits on the tail's own thread; false when the application stops meanwhile. */
    private boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return !stopped;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Properties consumerProperties() {
        Config config = ConfigProvider.getConfig();
        String prefix = "mp.messaging.incoming." + Bridge.INCOMING + ".";
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getOptionalValue(prefix + "bootstrap.servers", String.class)
                .or(() -> config.getOptionalValue("kafka.bootstrap.servers", String.class)).orElse("localhost:9092"));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "agent-dojo-log-tail-" + instance);
        props.putAll(KafkaLogin.of(config, prefix));
        return props;
    }

    /** On Kafka: whether its consumer holds the topic's partitions and polls. */
    @Override
    public boolean isFollowing() {
        return !kafka || following;
    }

    /**
     * Assigns every partition of the topic, each from its latest {@code keep} records; none while the
     * topic does not exist. Answers where each partition ended when assigned (empty when none is).
     */
    private Map<TopicPartition, Long> assign(KafkaConsumer<String, String> c, List<String> topics) {
        List<TopicPartition> assigned = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> partitions;
            try {
                partitions = c.partitionsFor(topic, Duration.ofSeconds(5));
            } catch (org.apache.kafka.common.errors.TimeoutException brokerAway) {
                return Map.of();
            }
            if (partitions != null) {
                partitions.forEach(p -> assigned.add(new TopicPartition(topic, p.partition())));
            }
        }
        if (assigned.isEmpty()) {
            firstRead.countDown(); // nothing to read yet: what comes later is live
            return Map.of();
        }
        c.assign(assigned);
        Map<TopicPartition, Long> begin = c.beginningOffsets(assigned);
        Map<TopicPartition, Long> end = c.endOffsets(assigned);
        for (TopicPartition p : assigned) { // where it left off, after the broker was away; else the latest records
            Long resume = resumeAt.get(p);
            c.seek(p, resume != null ? Math.max(begin.get(p), resume) : Math.max(begin.get(p), end.get(p) - keep));
        }
        return end;
    }

    /** Whether the consumer has read every partition up to {@code ends}. */
    private static boolean readUpTo(KafkaConsumer<String, String> c, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (c.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** An event read from the log, and its size there. */
    private record Sized(LoggedEvent logged, int bytes) {
    }

    private synchronized void publish(List<Sized> batch) {
        boolean followed = firstRead.getCount() == 0; // the history read first is kept, not sent to followers
        for (Sized sized : batch) {
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
            if (followed) {
                for (MultiEmitter<? super LoggedEvent> follower : followers) {
                    follower.emit(e);
                }
            }
        }
    }

    private static String instanceOf(ConsumerRecord<String, String> record) {
        Header header = record.headers().lastHeader(EventBridge.INSTANCE_HEADER);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @PreDestroy
    void stop() {
        stopped = true;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
