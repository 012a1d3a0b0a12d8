package dev.agentdojo.service.logging;

import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/** Only SmallRye Kafka's interrupted or late commit at shutdown is dropped. */
class KafkaShutdownNoiseTest {

    private final KafkaShutdownNoise filter = new KafkaShutdownNoise();

    @Test
    void theInterruptedCommitOfAStoppingConsumerIsDropped() {
        assertThat(filter.isLoggable(record("io.smallrye.reactive.messaging.kafka", new WakeupException()))).isFalse();
        assertThat(filter.isLoggable(record("io.smallrye.reactive.messaging.kafka",
                new IllegalStateException("This consumer has already been closed.")))).isFalse();
    }

    @Test
    void everythingElsePasses() {
        assertThat(filter.isLoggable(record("io.smallrye.reactive.messaging.kafka", new IllegalStateException()))).isTrue();
        assertThat(filter.isLoggable(record("io.smallrye.reactive.messaging.kafka", null))).isTrue();
        assertThat(filter.isLoggable(record("dev.agentdojo.audit", new WakeupException()))).isTrue();
        assertThat(filter.isLoggable(record(null, new WakeupException()))).isTrue();
    }

    private static LogRecord record(String logger, Throwable thrown) {
        LogRecord record = new LogRecord(Level.WARNING, "SRMSG18252: Failed to commit, it will be re-attempted");
        record.setLoggerName(logger);
        record.setThrown(thrown);
        return record;
    }
}
