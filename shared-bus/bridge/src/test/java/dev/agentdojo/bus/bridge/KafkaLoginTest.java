package dev.agentdojo.bus.bridge;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The clients the bridge makes itself log in as its channels do, and read the chain's topics. */
class KafkaLoginTest {

    @Test
    void theLoginIsTheKafkaDefaultsOverriddenByTheChannelsOwnAndNothingElse() {
        SmallRyeConfig config = config(Map.of(
                "kafka.bootstrap.servers", "b:9092",
                "kafka.security.protocol", "SASL_PLAINTEXT",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.sasl.jaas.config", "login",
                "mp.messaging.incoming.agent-dojo-in.sasl.mechanism", "PLAIN",
                "mp.messaging.incoming.agent-dojo-in.group.id", "g"));

        assertThat(KafkaLogin.of(config.getConfigMapping(KafkaConfig.class), config.getConfigMapping(IncomingChannelConfig.class)))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config", "login"));
    }

    @Test
    void theChainIsTheTopicAServiceSendsToAndThoseItReceivesFrom() {
        assertThat(chainTopics(Map.of(
                "mp.messaging.outgoing.agent-dojo-out.topic", "agent-dojo.orders",
                "mp.messaging.incoming.agent-dojo-in.topic", "agent-dojo.payments")))
                .containsExactly("agent-dojo.orders", "agent-dojo.payments");
        assertThat(chainTopics(Map.of(
                "mp.messaging.outgoing.agent-dojo-out.topic", "mine",
                "mp.messaging.incoming.agent-dojo-in.topic", "ignored",
                "mp.messaging.incoming.agent-dojo-in.topics", "a,mine,b")))
                .containsExactly("mine", "a", "b");
        assertThat(chainTopics(Map.of(
                "mp.messaging.outgoing.agent-dojo-out.topic", "agent-dojo.events",
                "mp.messaging.incoming.agent-dojo-in.topic", "agent-dojo.events")))
                .containsExactly("agent-dojo.events");
    }

    private static List<String> chainTopics(Map<String, String> values) {
        SmallRyeConfig config = config(values);
        return LogTailReader.chainTopics(config.getConfigMapping(OutgoingChannelConfig.class),
                config.getConfigMapping(IncomingChannelConfig.class));
    }

    /** The configuration of {@code values}, with the mappings of Kafka's keys that the bridge reads. */
    static SmallRyeConfig config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(values, "test", 500))
                .withMapping(KafkaConfig.class).withMapping(OutgoingChannelConfig.class).withMapping(IncomingChannelConfig.class)
                .build();
    }
}
