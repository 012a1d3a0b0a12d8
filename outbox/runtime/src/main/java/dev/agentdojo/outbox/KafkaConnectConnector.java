package dev.agentdojo.outbox;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The Kafka Connect connector that relays a service's outbox in place of its embedded relay
 * (docs/kafka-connect.md): the embedded relay's own connector ({@link RelaySettings#connector}, the
 * same slot, publication, table, topic and headers), with String converters so that a record is
 * what the services send and read, and a producer that logs in as the service, so that its topic is
 * still written by its principal alone. The passwords are left to the worker's environment
 * ({@code PG_PASSWORD_<DATABASE>}, {@code KAFKA_PASSWORD_<PRINCIPAL>}, through Kafka's
 * {@code EnvVarConfigProvider}). {@code scripts/connect/*.json} are written from here, and a test
 * checks that they still are.
 */
public final class KafkaConnectConnector {

    private KafkaConnectConnector() {
    }

    /**
     * The configuration of the connector for the service {@code principal}, whose database
     * {@code database} on {@code host} it reads and whose {@code topic} it writes, sorted by key.
     */
    public static Map<String, String> configuration(String host, int port, String database, String principal, String topic,
                                                    Duration pollInterval) {
        Properties connector = RelaySettings.connector(host, port, database, database,
                "${env:PG_PASSWORD_" + environmentName(database) + "}", topic, pollInterval);
        Map<String, String> configuration = new TreeMap<>();
        connector.stringPropertyNames().forEach(key -> configuration.put(key, connector.getProperty(key)));
        for (String converter : new String[] {"key", "value", "header"}) {
            configuration.put(converter + ".converter", "org.apache.kafka.connect.storage.StringConverter");
        }
        configuration.put("producer.override.acks", "all");
        configuration.put("producer.override.enable.idempotence", "true");
        configuration.put("producer.override.security.protocol", "SASL_PLAINTEXT");
        configuration.put("producer.override.sasl.mechanism", "SCRAM-SHA-512");
        configuration.put("producer.override.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + principal + "\" password=\"${env:KAFKA_PASSWORD_" + environmentName(principal) + "}\";");
        return configuration;
    }

    private static String environmentName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
