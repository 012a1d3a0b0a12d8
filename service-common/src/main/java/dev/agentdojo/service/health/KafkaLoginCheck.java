package dev.agentdojo.service.health;

import dev.agentdojo.bus.bridge.BridgeConfig;
import dev.agentdojo.bus.bridge.IncomingChannelConfig;
import dev.agentdojo.bus.bridge.KafkaConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses to start a service that would log in to Kafka with no password, saying where one comes
 * from, rather than let its clients fail authentication over and over.
 */
@ApplicationScoped
class KafkaLoginCheck {

    void check(@Observes StartupEvent start, BridgeConfig bridge, IncomingChannelConfig incoming, KafkaConfig kafka) {
        String problem = problem(bridge.enabled(), incoming, kafka);
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
    }

    /** What is wrong with how the service logs in to Kafka, or null. */
    static String problem(boolean bridgeEnabled, IncomingChannelConfig incoming, KafkaConfig kafka) {
        boolean onKafka = incoming.onKafka() && bridgeEnabled;
        String protocol = kafka.securityProtocol().orElse("PLAINTEXT");
        String jaas = kafka.saslJaasConfig().orElse("");
        if (onKafka && protocol.startsWith("SASL") && jaas.replace(" ", "").contains("password=\"\"")) {
            return "No password to log in to Kafka with: set KAFKA_PASSWORD (and KAFKA_USERNAME if it is not the "
                    + "service's name). scripts/kafka.sh writes both for each service to <its directory>/<service>.env; "
                    + "KAFKA_SECURITY_PROTOCOL=PLAINTEXT is for a broker without authentication.";
        }
        return null;
    }
}
