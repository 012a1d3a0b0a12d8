package dev.agentdojo.service.health;

import dev.agentdojo.bus.bridge.IncomingChannelConfig;
import dev.agentdojo.bus.bridge.KafkaConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaLoginCheckTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"order-service\" password=\"%s\";";

    @Test
    void aServiceThatWouldLogInWithNoPasswordIsToldWhereOneComesFrom() {
        assertThat(problem("SASL_PLAINTEXT", JAAS.formatted(""), "smallrye-kafka"))
                .contains("KAFKA_PASSWORD").contains("scripts/kafka.sh");
    }

    @Test
    void aPasswordOrABrokerWithoutLoginOrNoKafkaAtAllIsFine() {
        assertThat(problem("SASL_PLAINTEXT", JAAS.formatted("s3cret"), "smallrye-kafka")).isNull();
        assertThat(problem("PLAINTEXT", JAAS.formatted(""), "smallrye-kafka")).isNull();
        assertThat(problem("SASL_PLAINTEXT", JAAS.formatted(""), "smallrye-in-memory")).isNull();
    }

    /** The check's answer for a service with the bridge, whose Kafka login and incoming connector are these. */
    private static String problem(String protocol, String jaas, String connector) {
        Map<String, String> values = new HashMap<>();
        values.put("mp.messaging.incoming.agent-dojo-in.connector", connector);
        values.put("kafka.security.protocol", protocol);
        values.put("kafka.sasl.jaas.config", jaas);
        SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(values, "test", 500))
                .withMapping(IncomingChannelConfig.class).withMapping(KafkaConfig.class).build();
        return KafkaLoginCheck.problem(true, config.getConfigMapping(IncomingChannelConfig.class), config.getConfigMapping(KafkaConfig.class));
    }
}
