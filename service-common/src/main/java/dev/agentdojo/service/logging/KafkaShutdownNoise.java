package dev.agentdojo.service.logging;

import io.quarkus.logging.LoggingFilter;
import org.apache.kafka.common.errors.WakeupException;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Drops the warning a clean stop can print: when the service stops while SmallRye's Kafka consumer
 * is committing offsets, the consumer is woken up to close, and the interrupted commit is logged
 * with its stack trace ("SRMSG18252: Failed to commit …, it will be re-attempted: WakeupException",
 * or, when the commit of the partitions revoked at close comes after the close, "…:
 * IllegalStateException: This consumer has already been closed."). Both only ever come from closing
 * the consumer, so nothing is lost by not logging them; what was not committed is delivered again
 * to the next consumer of the group, and handled again harmlessly. Every other record passes.
 *
 * <p>Quarkus's own filter ({@code quarkus.log.filter}, used for Micrometer's warning) matches a
 * message's start; this one must look at the exception, because the same message also announces
 * a commit that really failed. It is still Quarkus's mechanism: a {@link LoggingFilter}, named in
 * the handlers' configuration.
 */
@LoggingFilter(name = "kafka-shutdown-noise")
public final class KafkaShutdownNoise implements Filter {

    private static final String SMALLRYE_KAFKA = "io.smallrye.reactive.messaging.kafka";

    private static final String CLOSED = "This consumer has already been closed.";

    @Override
    public boolean isLoggable(LogRecord record) {
        Throwable thrown = record.getThrown();
        boolean closing = thrown instanceof WakeupException
                || thrown instanceof IllegalStateException && CLOSED.equals(thrown.getMessage());
        return !(closing && record.getLoggerName() != null && record.getLoggerName().startsWith(SMALLRYE_KAFKA));
    }
}
