package dev.agentdojo.service.logging;

import io.quarkus.logging.LoggingFilter;
import org.apache.kafka.common.errors.WakeupException;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Drops the one warning a clean stop can print: when the service stops while SmallRye's Kafka
 * consumer is committing offsets, the consumer is woken up to close, and the interrupted commit is
 * logged with its stack trace ("SRMSG18252: Failed to commit …, it will be re-attempted:
 * WakeupException"). A wakeup only ever comes from closing the consumer, so nothing is lost by not
 * logging it; the offsets are committed again by the next consumer of the group. Every other
 * record passes.
 */
@LoggingFilter(name = "kafka-shutdown-noise")
public final class KafkaShutdownNoise implements Filter {

    private static final String SMALLRYE_KAFKA = "io.smallrye.reactive.messaging.kafka";

    @Override
    public boolean isLoggable(LogRecord record) {
        return !(record.getThrown() instanceof WakeupException
                && record.getLoggerName() != null && record.getLoggerName().startsWith(SMALLRYE_KAFKA));
    }
}
