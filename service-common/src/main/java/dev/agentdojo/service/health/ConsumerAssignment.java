package dev.agentdojo.service.health;

import dev.agentdojo.bus.bridge.BridgeWarmUp;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the Kafka consumer behind the bridge holds, as its last rebalance left it: how many partitions
 * and under which member of its group. {@link ConsumerReadiness} reads it from here, so that a
 * readiness check never waits for the consumer's polling thread (which answers only between two
 * polls, up to {@code poll-timeout} later). The first assignment is also said once, at INFO, the
 * moment readiness stops answering "has no partition assigned" ({@code STARTUP=1 scripts/load.sh}
 * reads it from the log); later rebalances and empty assignments are not logged. It is the moment
 * the service can take events, so the event path's {@linkplain BridgeWarmUp warm-up} begins then.
 *
 * <p>SmallRye calls it on the consumer's polling thread, after its own handling of a rebalance, so
 * it may ask the consumer itself; it finds it by the name the incoming channel gives
 * ({@code mp.messaging.incoming.agent-dojo-in.consumer-rebalance-listener.name}, service-common's
 * defaults).
 */
@ApplicationScoped
@Identifier(ConsumerAssignment.NAME)
public class ConsumerAssignment implements KafkaConsumerRebalanceListener {

    /** The bean's identifier, named by the incoming channel's configuration. */
    public static final String NAME = "agent-dojo-in.assignment";

    private static final Logger LOG = Logger.getLogger(ConsumerAssignment.class);

    /** The consumer's partitions and its member of the group after a rebalance. */
    record Held(int partitions, ConsumerGroupMetadata member) {
    }

    private static final Held NOTHING = new Held(0, null);

    private final AtomicBoolean said = new AtomicBoolean();
    private final Runnable firstAssigned;
    private volatile Held held = NOTHING;

    @Inject
    ConsumerAssignment(Instance<BridgeWarmUp> warmUp) {
        this(warmUp.isResolvable() ? warmUp.get()::begin : () -> { });
    }

    ConsumerAssignment(Runnable firstAssigned) {
        this.firstAssigned = firstAssigned;
    }

    /** What the consumer holds now: no partition (and no member) until its first assignment. */
    Held held() {
        return held;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        held = new Held(consumer.assignment().size(), consumer.groupMetadata());
        if (!partitions.isEmpty() && said.compareAndSet(false, true)) {
            LOG.info(message(partitions));
            firstAssigned.run();
        }
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Set<TopicPartition> kept = new HashSet<>(consumer.assignment()); // still the old set while revoking
        kept.removeAll(partitions);
        held = new Held(kept.size(), consumer.groupMetadata());
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        held = NOTHING;
    }

    static String message(Collection<TopicPartition> partitions) {
        TreeSet<String> topics = new TreeSet<>();
        partitions.forEach(p -> topics.add(p.topic()));
        return "Event consumer assigned: this instance takes events from " + partitions.size() + " partition(s) of "
                + String.join(", ", topics);
    }
}
