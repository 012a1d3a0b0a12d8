package dev.agentdojo.benchmarks;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FloorOffsetsTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    @Test
    void aPartitionIsCommittedUpToItsOldestRecordStillBeingHandled() {
        FloorOffsets offsets = new FloorOffsets();
        offsets.received(P0, 10);
        offsets.received(P0, 11);
        offsets.received(P0, 12);
        offsets.handled(P0, 11);
        offsets.handled(P0, 12);

        assertThat(offsets.committable()).containsEntry(P0, new OffsetAndMetadata(10));
        assertThat(offsets.inFlight()).isEqualTo(1);
    }

    @Test
    void aPartitionWithEverythingHandledIsCommittedPastItsNewestRecord() {
        FloorOffsets offsets = new FloorOffsets();
        offsets.received(P0, 10);
        offsets.received(P1, 3);
        offsets.handled(P0, 10);

        assertThat(offsets.committable()).containsEntry(P0, new OffsetAndMetadata(11)).containsEntry(P1, new OffsetAndMetadata(3));
    }

    @Test
    void aForgottenPartitionIsNotCommittedAndItsRecordsAreNoLongerInFlight() {
        FloorOffsets offsets = new FloorOffsets();
        offsets.received(P0, 10);
        offsets.received(P0, 11);
        offsets.forget(P0);
        offsets.handled(P0, 10); // its work ended after the partition went

        assertThat(offsets.committable()).doesNotContainKey(P0);
        assertThat(offsets.inFlight()).isZero();
    }
}
