package dev.agentdojo.service.outbox;

import dev.agentdojo.bus.Bridge;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import java.util.Map;

/**
 * How many records the bridge's Kafka producer failed to send so far (its own
 * {@code record-error-total}): each refusal by the broker counts, each time the connector tries the
 * record again; a broker that is merely away counts nothing until the producer's delivery timeout.
 * So a count that grows while a relayed event waits says the broker answers, and says no.
 */
final class SendErrors {

    private final KafkaClientService kafka;

    /** @param kafka the application's Kafka clients; null when it has none (the in-memory connector of tests) */
    SendErrors(KafkaClientService kafka) {
        this.kafka = kafka;
    }

    /** The count so far; -1 when there is no Kafka producer to ask. */
    long count() {
        try {
            KafkaProducer<?, ?> producer = kafka == null ? null : kafka.getProducer(Bridge.OUTGOING);
            if (producer == null) {
                return -1;
            }
            for (Map.Entry<MetricName, ? extends Metric> metric : producer.unwrap().metrics().entrySet()) {
                if (metric.getKey().name().equals("record-error-total") && metric.getKey().group().equals("producer-metrics")
                        && metric.getValue().metricValue() instanceof Number errors) {
                    return errors.longValue();
                }
            }
            return -1;
        } catch (RuntimeException noSuchProducer) {
            return -1;
        }
    }
}
