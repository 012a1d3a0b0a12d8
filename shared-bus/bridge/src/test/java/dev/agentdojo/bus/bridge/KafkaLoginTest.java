package dev.agentdojo.bus.bridge;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The clients the bridge makes itself log in as its channels do, and read the chain's topics. */
class KafkaLoginTest {

    @Test
    void theLoginIsTheKafkaDefaultsOverriddenByTheChannelsOwnAndNothingElse() {
        Config config = config(Map.of(
                "kafka.bootstrap.servers", "b:9092",
                "kafka.security.protocol", "SASL_PLAINTEXT",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.sasl.jaas.config", "login",
                "mp.messaging.incoming.agent-dojo-in.sasl.mechanism", "PLAIN",
                "mp.messaging.incoming.agent-dojo-in.group.id", "g"));

        assertThat(KafkaLogin.of(config, "mp.messaging.incoming.agent-dojo-in.")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config", "login"));
    }

    @Test
    void theChainIsTheTopicAServiceSendsToAndThoseItReceivesFrom() {
        assertThat(LogTailReader.chainTopics(config(Map.of(
                "mp.messaging.outgoing.agent-dojo-out.topic", "agent-dojo.orders",
                "mp.messaging.incoming.agent-dojo-in.topic", "agent-dojo.payments"))))
                .containsExactly("agent-dojo.orders", "agent-dojo.payments");
        assertThat(LogTailReader.chainTopics(config(Map.of(
                "mp.messaging.outgoing.agent-dojo-out.topic", "mine",
                "mp.messaging.incoming.agent-dojo-in.topic", "ignored",
                "mp.messaging.incoming.agent-dojo-in.topics", "a,mine,b"))))
                .containsExactly("mine", "a", "b");
        assertThat(LogTailReader.chainTopics(config(Map.of(
                "mp.messaging.outgoing.agent-dojo-out.topic", "agent-dojo.events",
                "mp.messaging.incoming.agent-dojo-in.topic", "agent-dojo.events"))))
                .containsExactly("agent-dojo.events");
    }

    private static Config config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(values, "test", 500)).build();
    }
}
