package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.LoggedEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Reads the chain's topics for the {@link EventLogTail} with a Kafka consumer of no group, logged
 * in as the service: every partition, from its latest {@code keep} records. Vert.x owns it: each
 * poll runs on a worker of Quarkus's Vert.x ({@code executeBlocking}, ordered), one after the other,
 * so the reader has no thread of its own.
 *
 * <p>What was on the topics when it started is history: read whole, sorted by time and handed on
 * before {@link #awaitFirstRead} returns, marked as such. When the broker is away (at the start or
 * later) or a topic does not exist yet, it tries again with Mutiny's back-off (from
 * {@link #RETRY_FIRST_WAIT}, twice as long each time up to {@link #RETRY_MAX_WAIT}, with jitter),
 * and resumes where each partition was read up to.
 */
final class LogTailReader {

    private static final Logger LOG = Logger.getLogger(EventLogTail.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY_FIRST_WAIT = Duration.ofMillis(250);
    private static final Duration RETRY_MAX_WAIT = Duration.ofSeconds(5);

    /** An event read from the log, and its size there. */
    record Sized(LoggedEvent logged, int bytes) {
    }

    private final Vertx vertx;
    private final Context context;
    private final Properties properties;
    private final List<String> topics;
    private final int keep;
    private final TopicOwners owners;
    /** Takes each batch read, in time order, and whether it is history (read before the first reader was answered). */
    private final BiConsumer<List<Sized>, Boolean> sink;
    private final CountDownLatch firstRead = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    /** Where each partition was read up to: resumed from after a reconnect. Touched by one poll at a time. */
    private final Map<TopicPartition, Long> resumeAt = new HashMap<>();
    private KafkaConsumer<String, String> consumer; // one poll at a time touches it
    private Map<TopicPartition, Long> historyEnds = Map.of();
    private List<Sized> catchingUp = new ArrayList<>();
    private String lastProblem;
    private volatile KafkaConsumer<String, String> current;
    private volatile boolean following;
    private volatile boolean stopped;
    /** The polls in progress (a poll, or a wait before the next try); cancelled when the reader stops. */
    private volatile Cancellable polling;

    LogTailReader(Vertx vertx, KafkaConfig kafka, OutgoingChannelConfig outgoing, IncomingChannelConfig incoming, String instance,
                  int keep, TopicOwners owners, BiConsumer<List<Sized>, Boolean> sink) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.properties = consumerProperties(kafka, incoming, instance);
        this.topics = chainTopics(outgoing, incoming);
        this.keep = keep;
        this.owners = owners;
        this.sink = sink;
    }

    void start() {
        context.runOnContext(ignored -> step());
    }

    /** Waits up to {@code max} for the history to be read (or found empty, or the broker away). */
    void awaitFirstRead(Duration max) {
        try {
            firstRead.await(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean isFollowing() {
        return following;
    }

    /** Stops: wakes the poll in flight, ends the polls, and waits a little for the consumer to be closed. */
    void stop() {
        stopped = true;
        KafkaConsumer<String, String> c = current;
        if (c != null) {
            c.wakeup();
        }
        Cancellable running = polling;
        if (running != null) {
            running.cancel(); // a wait before the next try ends here
        }
        onWorker(() -> close(true)); // after the poll in flight, if there is one: polls and this close are ordered
        try {
            ended.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls on a worker, one after the other; after a poll that could not, again after a back-off; until it stops. */
    private void step() {
        polling = Uni.createFrom().item(() -> {
                    if (!pollOnce()) {
                        throw new NotPolled();
                    }
                    return Boolean.TRUE;
                })
                .runSubscriptionOn(this::onWorker)
                .onFailure(failure -> failure instanceof NotPolled && !stopped)
                .retry().withBackOff(RETRY_FIRST_WAIT, RETRY_MAX_WAIT).indefinitely()
                .subscribe().with(polled -> next(), failure -> next());
    }

    private void next() {
        if (stopped) {
            onWorker(() -> close(true));
        } else {
            step();
        }
    }

    private void onWorker(Runnable work) {
        context.executeBlocking(() -> {
            work.run();
            return null;
        }, true);
    }

    /** A poll that could not be made (the broker away, no topic yet, a failure): tried again after a wait. */
    private static final class NotPolled extends RuntimeException {
        NotPolled() {
            super("not polled", null, false, false);
        }
    }

    /** Polls once; false when it could not (the broker away, no topic yet, a failure): try again after a wait. */
    private boolean pollOnce() {
        if (stopped) {
            return false;
        }
        try {
            if (consumer == null) {
                consumer = new KafkaConsumer<>(properties);
                current = consumer;
                historyEnds = assign();
            } else if (consumer.assignment().isEmpty()) {
                historyEnds = assign();
            }
            if (consumer.assignment().isEmpty()) {
                following = false;
                return false;
            }
            List<Sized> batch = new ArrayList<>();
            for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                try {
                    Event event = Envelope.decode(record.value());
                    if (owners.allows(record.topic(), event.name())) { // else dead-lettered by the bridge: not an event to show
                        batch.add(new Sized(new LoggedEvent(event, instanceOf(record)), record.serializedValueSize()));
                    }
                } catch (IllegalArgumentException notAnEvent) {
                    // dead-lettered by the bridge, which logs it; not an event to show
                }
            }
            following = true;
            for (TopicPartition p : consumer.assignment()) {
                resumeAt.put(p, consumer.position(p));
            }
            handOn(batch);
            return true;
        } catch (WakeupException stopping) {
            return false;
        } catch (RuntimeException e) {
            following = false;
            if (!e.toString().equals(lastProblem)) {
                LOG.warnf("The tail of the event log stopped; it starts again by itself: %s", e.toString());
                lastProblem = e.toString();
            }
            close(false);
            return false;
        }
    }

    /** Hands the batch on; until the history is read whole, gathers it, to hand it on in one piece and in time order. */
    private void handOn(List<Sized> batch) {
        Comparator<Sized> byTime = Comparator.comparing(e -> e.logged().event().timestamp());
        if (firstRead.getCount() == 0) {
            batch.sort(byTime);
            sink.accept(batch, false);
            return;
        }
        catchingUp.addAll(batch);
        if (readUpTo(historyEnds)) {
            catchingUp.sort(byTime);
            sink.accept(catchingUp, true);
            catchingUp = new ArrayList<>();
            firstRead.countDown();
        }
    }

    /**
     * Assigns every partition of the topics, each from where it was read up to, else from its latest
     * {@code keep} records; none while no topic exists or the broker is away. Answers where each
     * partition ended when assigned.
     */
    private Map<TopicPartition, Long> assign() {
        List<TopicPartition> assigned = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> partitions;
            try {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
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
        consumer.assign(assigned);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(assigned);
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
        for (TopicPartition p : assigned) {
            Long resume = resumeAt.get(p);
            consumer.seek(p, resume != null ? Math.max(begin.get(p), resume) : Math.max(begin.get(p), end.get(p) - keep));
        }
        return end;
    }

    private boolean readUpTo(Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private Void close(boolean last) {
        KafkaConsumer<String, String> c = consumer;
        consumer = null;
        current = null;
        if (c != null) {
            try {
                c.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.debugf("The tail's consumer did not close cleanly: %s", e);
            }
        }
        if (last) {
            following = false;
            firstRead.countDown();
            ended.countDown();
        }
        return null;
    }

    /** The topics of the chain as this service sees it: the one it sends to and those it receives from. */
    static List<String> chainTopics(OutgoingChannelConfig outgoing, IncomingChannelConfig incoming) {
        return TopicOwners.bridgeTopics(outgoing, incoming);
    }

    private static Properties consumerProperties(KafkaConfig kafka, IncomingChannelConfig incoming, String instance) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, incoming.bootstrapServers().or(kafka::bootstrapServers).orElse("localhost:9092"));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // what the relays commit, never what a fenced one left
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "agent-dojo-log-tail-" + instance);
        props.putAll(KafkaLogin.of(kafka, incoming));
        return props;
    }

    private static String instanceOf(ConsumerRecord<String, String> record) {
        Header header = record.headers().lastHeader(EventBridge.INSTANCE_HEADER);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
