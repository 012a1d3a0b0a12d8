package dev.agentdojo.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * On the local broker a service's outbox relay may produce transactionally with its own
 * {@code transactional.id} ({@code access.properties}' fourth part), and with no other principal's.
 */
class LocalKafkaTransactionalIdTest {

    @TempDir
    Path dir;

    @Test
    void aServiceProducesTransactionallyWithItsOwnTransactionalIdAndNoOther() throws Exception {
        LocalKafka kafka = LocalKafka.start(dir, LocalKafka.freePort());
        try {
            try (KafkaProducer<String, String> relay = producer(kafka, "order-service", "order-service-outbox-relay")) {
                relay.initTransactions();
                relay.beginTransaction();
                relay.send(new ProducerRecord<>("agent-dojo.orders", "k", "{}"));
                relay.commitTransaction();
            }
            try (KafkaProducer<String, String> relay = producer(kafka, "payment-service", "payment-service-outbox-relay")) {
                relay.initTransactions();
                relay.beginTransaction();
                assertThat(relay.send(new ProducerRecord<>("agent-dojo.payments", "k", "{}")).get(30, TimeUnit.SECONDS).topic())
                        .isEqualTo("agent-dojo.payments");
                relay.commitTransaction();
            }
            try (KafkaProducer<String, String> intruder = producer(kafka, "order-service", "payment-service-outbox-relay")) {
                assertThatThrownBy(intruder::initTransactions).isInstanceOf(TransactionalIdAuthorizationException.class);
            }
            try (KafkaProducer<String, String> observer = producer(kafka, "observer", "order-service-outbox-relay")) {
                assertThatThrownBy(observer::initTransactions).isInstanceOf(TransactionalIdAuthorizationException.class);
            }
        } finally {
            kafka.stop();
        }
    }

    private static KafkaProducer<String, String> producer(LocalKafka kafka, String principal, String transactionalId) {
        Map<String, Object> config = kafka.clientConfig(principal);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        return new KafkaProducer<>(config);
    }
}
