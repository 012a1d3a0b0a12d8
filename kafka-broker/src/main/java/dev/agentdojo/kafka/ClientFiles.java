package dev.agentdojo.kafka;

import dev.agentdojo.local.Credentials;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a principal's client files beside the broker's storage, readable by their owner alone:
 * {@code NAME.properties} (librdkafka, such as kcat), {@code NAME.client.properties} (Java clients)
 * and {@code NAME.env} (a service's environment).
 */
final class ClientFiles {

    private ClientFiles() {
    }

    static void write(Path dir, String principal, String password, String bootstrap, Map<String, Object> javaConfig) {
        try {
            Path librdkafka = dir.resolve(principal + ".properties");
            Credentials.writePrivate(librdkafka, String.join("\n",
                    "# " + principal + " on the local broker, for librdkafka clients: kcat -F " + librdkafka + " -C -t TOPIC",
                    "# PLAIN: librdkafka before 2.6.1 (Debian 12's kcat) fails SCRAM against Kafka 4; a newer one may",
                    "# say SCRAM-SHA-512. A principal granted while the broker runs has PLAIN from the broker's next start.",
                    "bootstrap.servers=" + bootstrap,
                    "security.protocol=SASL_PLAINTEXT",
                    "sasl.mechanisms=PLAIN",
                    "sasl.username=" + principal,
                    "sasl.password=" + password,
                    ""));
            Path java = dir.resolve(principal + ".client.properties");
            StringBuilder javaClient = new StringBuilder("# " + principal
                    + " on the local broker, for Java clients (kafka-console-consumer.sh --consumer.config " + java + ")\n");
            javaConfig.forEach((key, value) -> javaClient.append(key).append('=').append(value).append('\n'));
            Credentials.writePrivate(java, javaClient.toString());
            Path env = dir.resolve(principal + ".env");
            Credentials.writePrivate(env, String.join("\n",
                    "# " + principal + " on the local broker, for a service: set -a; . " + env + "; set +a",
                    "KAFKA_BOOTSTRAP_SERVERS=" + bootstrap,
                    "KAFKA_USERNAME=" + principal,
                    "KAFKA_PASSWORD=" + password,
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
