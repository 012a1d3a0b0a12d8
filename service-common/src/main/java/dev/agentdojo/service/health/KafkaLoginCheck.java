package dev.agentdojo.service.health;

import dev.agentdojo.bus.Bridge;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

/**
 * Refuses to start a service that would log in to Kafka with no password, saying where one comes
 * from, rather than let its clients fail authentication over and over.
 */
@ApplicationScoped
class KafkaLoginCheck {

    void check(@Observes StartupEvent start, Config config) {
        String problem = problem(config);
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
    }

    /** What is wrong with how the service logs in to Kafka, or null. */
    static String problem(Config config) {
        boolean kafka = config.getOptionalValue("mp.messaging.incoming." + Bridge.INCOMING + ".connector", String.class)
                .orElse("").equals("smallrye-kafka")
                && config.getOptionalValue("event-bus.bridge.enabled", Boolean.class).orElse(false);
        String protocol = config.getOptionalValue("kafka.security.protocol", String.class).orElse("PLAINTEXT");
        String jaas = config.getOptionalValue("kafka.sasl.jaas.config", String.class).orElse("");
        if (kafka && protocol.startsWith("SASL") && jaas.replace(" ", "").contains("password=\"\"")) {
            return "No password to log in to Kafka with: set KAFKA_PASSWORD (and KAFKA_USERNAME if it is not the "
                    + "service's name). scripts/kafka.sh writes both for each service to <its directory>/<service>.env; "
                    + "KAFKA_SECURITY_PROTOCOL=PLAINTEXT is for a broker without authentication.";
        }
        return null;
    }
}
