package dev.agentdojo.service.health;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Says once, at INFO, when the Kafka consumer behind the bridge is first assigned partitions: the
 * moment {@link ConsumerReadiness} stops answering "has no partition assigned", which a start-up
 * timeline reads from the log ({@code STARTUP=1 scripts/load.sh}). Later rebalances and empty
 * assignments are not logged. It does nothing else: SmallRye calls it on the consumer's polling
 * thread, after its own handling of the assignment, and nothing here can fail that.
 *
 * <p>SmallRye finds it by the name the incoming channel gives
 * ({@code mp.messaging.incoming.agent-dojo-in.consumer-rebalance-listener.name}, service-common's
 * defaults).
 */
@ApplicationScoped
@Identifier(FirstAssignment.NAME)
public class FirstAssignment implements KafkaConsumerRebalanceListener {

    /** The bean's identifier, named by the incoming channel's configuration. */
    public static final String NAME = "agent-dojo-in.first-assignment";

    private static final Logger LOG = Logger.getLogger(FirstAssignment.class);

    private final AtomicBoolean said = new AtomicBoolean();

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty() && said.compareAndSet(false, true)) {
            LOG.info(message(partitions));
        }
    }

    static String message(Collection<TopicPartition> partitions) {
        TreeSet<String> topics = new TreeSet<>();
        partitions.forEach(p -> topics.add(p.topic()));
        return "Event consumer assigned: this instance takes events from " + partitions.size() + " partition(s) of "
                + String.join(", ", topics);
    }
}
