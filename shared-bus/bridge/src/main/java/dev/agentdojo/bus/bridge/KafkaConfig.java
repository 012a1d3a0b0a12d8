package dev.agentdojo.bus.bridge;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

import java.util.Map;
import java.util.Optional;

/**
 * The Kafka connector's {@code kafka.*} settings, the defaults of every channel: Kafka and SmallRye
 * Reactive Messaging own and document them; this mapping reads what the bridge's own clients (the
 * event log's tail) and the service's start-up check need, and takes every other {@code kafka.*}
 * key as it is.
 */
@ConfigMapping(prefix = "kafka")
public interface KafkaConfig {

    /** The brokers, unless the incoming channel names its own ({@code bootstrap.servers} there). */
    @WithName("bootstrap.servers")
    Optional<String> bootstrapServers();

    /** How clients talk to the broker ({@code PLAINTEXT}, Kafka's default, or {@code SASL_PLAINTEXT}, …). */
    @WithName("security.protocol")
    Optional<String> securityProtocol();

    /** The login of a SASL client: its login module, user name and password. */
    @WithName("sasl.jaas.config")
    Optional<String> saslJaasConfig();

    /** Every {@code kafka.*} setting, by its name after {@code kafka.} (the login among them: {@link KafkaLogin}). */
    @WithParentName
    Map<String, String> all();
}
