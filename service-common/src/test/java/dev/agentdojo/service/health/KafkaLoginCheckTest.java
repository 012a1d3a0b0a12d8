package dev.agentdojo.service.health;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaLoginCheckTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"order-service\" password=\"%s\";";

    @Test
    void aServiceThatWouldLogInWithNoPasswordIsToldWhereOneComesFrom() {
        assertThat(KafkaLoginCheck.problem(config("SASL_PLAINTEXT", JAAS.formatted(""), "smallrye-kafka")))
                .contains("KAFKA_PASSWORD").contains("scripts/kafka.sh");
    }

    @Test
    void aPasswordOrABrokerWithoutLoginOrNoKafkaAtAllIsFine() {
        assertThat(KafkaLoginCheck.problem(config("SASL_PLAINTEXT", JAAS.formatted("s3cret"), "smallrye-kafka"))).isNull();
        assertThat(KafkaLoginCheck.problem(config("PLAINTEXT", JAAS.formatted(""), "smallrye-kafka"))).isNull();
        assertThat(KafkaLoginCheck.problem(config("SASL_PLAINTEXT", JAAS.formatted(""), "smallrye-in-memory"))).isNull();
    }

    private static Config config(String protocol, String jaas, String connector) {
        Map<String, String> values = new HashMap<>();
        values.put("event-bus.bridge.enabled", "true");
        values.put("mp.messaging.incoming.agent-dojo-in.connector", connector);
        values.put("kafka.security.protocol", protocol);
        values.put("kafka.sasl.jaas.config", jaas);
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(values, "test", 500)).build();
    }
}
