package dev.agentdojo.service.health;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** The consumer's first assignment of partitions is said once; an empty one and later rebalances are not. */
class FirstAssignmentTest {

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
        Logger logger = Logger.getLogger(FirstAssignment.class.getName());
        logger.addHandler(handler);
        try {
            FirstAssignment listener = new FirstAssignment();
            listener.onPartitionsAssigned(null, List.of());
            listener.onPartitionsAssigned(null, List.of(new TopicPartition("agent-dojo.payments", 0),
                    new TopicPartition("agent-dojo.payments", 1)));
            listener.onPartitionsAssigned(null, List.of(new TopicPartition("agent-dojo.payments", 2)));
        } finally {
            logger.removeHandler(handler);
        }

        assertThat(said).containsExactly("Event consumer assigned: this instance takes events from 2 partition(s) of agent-dojo.payments");
    }
}
