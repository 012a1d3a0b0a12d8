package dev.agentdojo.service.health;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the consumer holds follows its rebalances, read from the consumer on its own thread; its
 * first assignment of partitions is said once (and begins the warm-up), an empty one and later
 * rebalances are not.
 */
class ConsumerAssignmentTest {

    private static final TopicPartition P0 = new TopicPartition("agent-dojo.payments", 0);
    private static final TopicPartition P1 = new TopicPartition("agent-dojo.payments", 1);
    private static final TopicPartition P2 = new TopicPartition("agent-dojo.payments", 2);

    private final MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
    private final AtomicInteger firstAssignments = new AtomicInteger();
    private final ConsumerAssignment assignment = new ConsumerAssignment(firstAssignments::incrementAndGet);

    @Test
    void whatTheConsumerHoldsFollowsEachRebalance() {
        assertThat(assignment.held().partitions()).as("before the first assignment").isZero();
        assertThat(assignment.held().member()).isNull();

        assigned(List.of(P0, P1));
        assertThat(assignment.held().partitions()).isEqualTo(2);
        assertThat(assignment.held().member()).isEqualTo(consumer.groupMetadata());

        assignment.onPartitionsRevoked(consumer, List.of(P0)); // the consumer still holds both while revoking
        assertThat(assignment.held().partitions()).isEqualTo(1);

        consumer.assign(List.of(P1));
        assigned(List.of(P2)); // an incremental assignment names only what it adds: the whole set counts
        assertThat(assignment.held().partitions()).isEqualTo(2);

        assignment.onPartitionsLost(consumer, List.of(P1, P2));
        assertThat(assignment.held().partitions()).isZero();
    }

    @Test
    void theFirstAssignmentIsSaidOnce_notAnEmptyOneNorALaterRebalance() {
        List<String> said = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                said.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(ConsumerAssignment.class.getName());
        logger.addHandler(handler);
        try {
            assigned(List.of());
            assigned(List.of(P0, P1));
            assigned(List.of(P2));
        } finally {
            logger.removeHandler(handler);
        }

        assertThat(said).containsExactly("Event consumer assigned: this instance takes events from 2 partition(s) of agent-dojo.payments");
        assertThat(firstAssignments).as("the warm-up begins once, at the first assignment").hasValue(1);
    }

    /** As Kafka does: the consumer holds the partitions, then the listener hears of them. */
    private void assigned(List<TopicPartition> added) {
        List<TopicPartition> all = new ArrayList<>(consumer.assignment());
        all.addAll(added);
        consumer.assign(all);
        assignment.onPartitionsAssigned(consumer, added);
    }
}
