package dev.agentdojo.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.agentdojo.outbox.KafkaConnectConnector;
import dev.agentdojo.outbox.OutboxConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.WithDefault;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scripts/connect/<database>-outbox.json}, the Kafka Connect connectors that relay the
 * services' outboxes in compose's override (docs/kafka-connect.md), are written from the outbox
 * extension's own settings ({@link KafkaConnectConnector}) and each service's
 * {@code application.properties}: the test fails when a file is not what they say, and writes them
 * with {@code -Dconfig.doc.write=true}.
 */
class KafkaConnectConnectorsTest {

    /** The database's host and port as the Connect worker sees them: compose's service {@code postgres}. */
    private static final String HOST = "postgres";
    private static final int PORT = 5432;
    private static final String REGENERATE = "./mvnw -B -pl config-reference -am package -Dtest=KafkaConnectConnectorsTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dconfig.doc.write=true";

    @ParameterizedTest
    @ValueSource(strings = {"order-service", "payment-service"})
    void eachServicesConnectorIsWhatItsSettingsSay(String service) throws Exception {
        Properties settings = new Properties();
        try (Reader in = Files.newBufferedReader(ConfigurationReferenceTest.ROOT.resolve(service + "/src/main/resources/application.properties"))) {
            settings.load(in);
        }
        String database = settings.getProperty("service.database");
        Duration pollInterval = DurationConverter.parseDuration(settings.getProperty("service.outbox.poll-interval",
                OutboxConfig.class.getMethod("pollInterval").getAnnotation(WithDefault.class).value()));
        Map<String, String> connector = KafkaConnectConnector.configuration(HOST, PORT, database, settings.getProperty("quarkus.application.name"),
                settings.getProperty("mp.messaging.outgoing.agent-dojo-out.topic"), pollInterval);
        String expected = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(connector) + "\n";

        Path file = ConfigurationReferenceTest.ROOT.resolve("scripts/connect/" + database + "-outbox.json");
        if (Boolean.getBoolean(ConfigurationReferenceTest.WRITE)) {
            Files.writeString(file, expected);
            System.out.println("Wrote " + file);
        }
        assertThat(read(file)).as("%s is written from the code; write it again with\n  %s", file, REGENERATE).isEqualTo(expected);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
