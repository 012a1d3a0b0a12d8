package dev.agentdojo.service.health;

import dev.agentdojo.bus.Bridge;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;

/** Readiness says when the consumer cannot move on past a record, with the bridge's own words. */
class ConsumerReadinessTest {

    private static final String STALLED = "the dead-letter topic refuses records: record agent-dojo.orders-2@17 "
            + "(event e-1 ('payment:process')) could not be dead-lettered (unacknowledged for 12 s, tried again until it is; "
            + "its partition waits): org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized";

    @Test
    void aRecordTheConsumerCannotMovePastMakesReadinessDownSayingWhichAndWhy() {
        HealthCheckResponse response = new ConsumerReadiness(new NoKafka(), new BridgeThat(STALLED), new ConsumerAssignment(() -> { }), Duration.ofSeconds(15))
                .call().await().atMost(Duration.ofSeconds(5));

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData()).hasValueSatisfying(data -> assertThat(data).containsEntry("consumer", STALLED));
    }

    @Test
    void nothingStalledAndNoKafkaConsumerIsUp() {
        HealthCheckResponse response = new ConsumerReadiness(new NoKafka(), new BridgeThat(null), new ConsumerAssignment(() -> { }), Duration.ofSeconds(15))
                .call().await().atMost(Duration.ofSeconds(5));

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    /** The in-memory connector of tests: no Kafka channel. */
    private static final class NoKafka implements KafkaClientService {
        @Override
        public <K, V> List<KafkaConsumer<K, V>> getConsumers(String channel) {
            return List.of();
        }

        @Override
        public <K, V> KafkaProducer<K, V> getProducer(String channel) {
            return null;
        }

        @Override
        public Set<String> getConsumerChannels() {
            return Set.of();
        }

        @Override
        public Set<String> getProducerChannels() {
            return Set.of();
        }
    }

    private record BridgeThat(String stalled) implements Bridge {
        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public boolean isReceiving() {
            return true;
        }

        @Override
        public CompletionStage<Void> publish(String key, String envelope, Map<String, String> headers) {
            throw new UnsupportedOperationException();
        }
    }
}
