package dev.agentdojo.e2e;

import dev.agentdojo.kafka.LocalKafka;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container files agree with the services' own configuration: no Docker engine runs here, so
 * what can be checked without one is checked (docker-compose's own syntax check runs in .ci/run).
 */
class DeploymentFilesIT {

    private static final Path ROOT = Path.of(System.getProperty("e2e.root", ".."));
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @ParameterizedTest
    @ValueSource(strings = {"order-service", "payment-service"})
    void eachServicePublishesItsOwnPortAndReachesTheComposeBroker(String name) throws IOException {
        JsonNode service = compose().path("services").path(name);
        Properties app = properties(name);
        String port = app.getProperty("quarkus.http.port");

        // payment-service publishes a range, so that each of two replicas gets a host port
        assertThat(service.path("ports").get(0).asText()).matches(port + "(-\\d+)?:" + port);
        assertThat(app.getProperty("kafka.bootstrap.servers")).startsWith("${KAFKA_BOOTSTRAP_SERVERS:");
        String bootstrap = service.path("environment").path("KAFKA_BOOTSTRAP_SERVERS").asText();
        assertThat(compose().path("services").path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText())
                .isEqualTo("CLIENTS://" + bootstrap);
        assertThat(app.getProperty("quarkus.application.name")).isEqualTo(name);
        // it logs in as itself, with a password from the environment, as the principal kafka-setup granted
        assertThat(service.path("environment").path("KAFKA_USERNAME").asText()).isEqualTo(name);
        assertThat(service.path("environment").path("KAFKA_PASSWORD").asText())
                .isEqualTo(compose().path("services").path("kafka-setup").path("environment")
                        .path("KAFKA_PASSWORD_" + name.toUpperCase().replace('-', '_')).asText());
        assertThat(app.getProperty("kafka.sasl.jaas.config")).contains("${KAFKA_USERNAME:").contains("${KAFKA_PASSWORD:");
        // health is on the management port, which compose does not publish
        String management = app.getProperty("quarkus.management.port");
        assertThat(service.path("healthcheck").path("test").toString()).contains(":" + management + "/q/health/ready");
        assertThat(service.path("ports")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"order-service", "payment-service"})
    void eachServiceTracesIntoTheComposeZipkinWhenTracingIsTurnedOn(String name) throws IOException {
        JsonNode environment = compose().path("services").path(name).path("environment");
        JsonNode zipkin = compose().path("services").path("zipkin");
        assertThat(zipkin.path("profiles").toString()).as("Zipkin only with --profile traces").isEqualTo("[\"traces\"]");
        assertThat(zipkin.path("ports").get(0).asText()).isEqualTo("9411:9411");
        assertThat(environment.path("QUARKUS_OTEL_SDK_DISABLED").asText()).as("off unless turned on, as outside compose")
                .isEqualTo("${QUARKUS_OTEL_SDK_DISABLED:-true}");
        assertThat(environment.path("ZIPKIN_ENDPOINT").asText()).isEqualTo("http://zipkin:9411/api/v2/spans");
        assertThat(properties(name).getProperty("tracing.zipkin.endpoint")).isEqualTo("${ZIPKIN_ENDPOINT:}");
        assertThat(properties(name).getProperty("quarkus.otel.sdk.disabled")).isEqualTo("true");
    }

    @ParameterizedTest
    @ValueSource(strings = {"order-service", "payment-service"})
    void eachServiceWaitsForAHealthyBrokerAndDatabaseAndRestartsOnFailure(String name) throws IOException {
        JsonNode service = compose().path("services").path(name);

        assertThat(service.path("depends_on").path("kafka-setup").path("condition").asText()).isEqualTo("service_completed_successfully");
        assertThat(compose().path("services").path("kafka-setup").path("depends_on").path("kafka").path("condition").asText())
                .isEqualTo("service_healthy");
        assertThat(service.path("depends_on").path("postgres").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(service.path("restart").asText()).isEqualTo("on-failure");
    }

    @ParameterizedTest
    @ValueSource(strings = {"order-service", "payment-service"})
    void eachServiceReachesItsOwnDatabaseOnTheComposePostgres(String name) throws IOException {
        JsonNode service = compose().path("services").path(name);
        Properties app = properties(name);
        JsonNode postgres = compose().path("services").path("postgres");

        assertThat(app.getProperty("quarkus.datasource.jdbc.url"))
                .isEqualTo("jdbc:postgresql://${PG_HOST:127.0.0.1}:${PG_PORT:5432}/${service.database}");
        assertThat(service.path("environment").path("PG_HOST").asText()).isEqualTo("postgres");
        // it logs in as its database's owner role, not the superuser, with the password the init script gave that role
        String database = app.getProperty("service.database");
        assertThat(service.path("environment").path("PG_USER").asText()).isEqualTo(database);
        assertThat(service.path("environment").path("PG_PASSWORD").asText())
                .isEqualTo(postgres.path("environment").path("PG_PASSWORD_" + database.toUpperCase()).asText())
                .isNotEqualTo(postgres.path("environment").path("POSTGRES_PASSWORD").asText());
        assertThat(app.getProperty("quarkus.datasource.username")).isEqualTo("${PG_USER:${service.database}}");
        assertThat(Files.readString(ROOT.resolve("scripts/postgres-init.sh"))).contains("for database in orders payments")
                .contains("create role :\"role\" login replication nosuperuser").contains("create database :\"role\" owner :\"role\"");
        assertThat(postgres.path("environment").path("POSTGRES_INITDB_ARGS").asText()).contains("scram-sha-256");
        assertThat(postgres.path("image").asText()).startsWith("postgres:");
        assertThat(postgres.path("command").toString()).as("the outbox relays need logical decoding").contains("wal_level=logical");
        assertThat(postgres.has("ports")).as("the database publishes no port").isFalse();
        assertThat(postgres.path("healthcheck").isMissingNode()).isFalse();
        assertThat(postgres.path("volumes").get(0).asText()).startsWith("postgres-data:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"order-service", "payment-service"})
    void theDockerfilesNamedExistAndExposeTheServicePort(String name) throws IOException {
        String port = properties(name).getProperty("quarkus.http.port");
        for (JsonNode file : new JsonNode[] {compose(), YAML.readTree(ROOT.resolve("docker-compose.native.yml").toFile())}) {
            JsonNode build = file.path("services").path(name).path("build");
            Path dockerfile = ROOT.resolve(build.path("context").asText()).resolve(build.path("dockerfile").asText());
            assertThat(dockerfile).exists();
            assertThat(Files.readString(dockerfile)).contains("EXPOSE " + port);
        }
    }

    @Test
    void theBrokerIsASingleKraftNodeOfThe41LineAndStaysPrivate() throws IOException {
        JsonNode kafka = compose().path("services").path("kafka");

        assertThat(kafka.path("image").asText()).startsWith("apache/kafka:4.1");
        assertThat(kafka.path("environment").path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        assertThat(kafka.has("ports")).as("the broker publishes no port").isFalse();
        assertThat(kafka.path("healthcheck").isMissingNode()).isFalse();
        assertThat(kafka.path("environment").path("KAFKA_NUM_PARTITIONS").asInt()).isEqualTo(LocalKafka.PARTITIONS);
        assertThat(StreamSupport.stream(compose().path("services").spliterator(), false).filter(service -> !service.has("profiles")))
                .as("what `docker compose up` starts: the broker, its setup, the database, two services (Zipkin only with a profile)").hasSize(5);
        // login required, and only what an ACL allows (granted by kafka-setup from the local broker's own access list)
        assertThat(kafka.path("environment").path("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").asText())
                .isEqualTo("CLIENTS:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        assertThat(kafka.path("environment").path("KAFKA_AUTHORIZER_CLASS_NAME").asText()).endsWith("StandardAuthorizer");
        assertThat(kafka.path("environment").path("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND").asText()).isEqualTo("false");
        JsonNode setup = compose().path("services").path("kafka-setup");
        assertThat(setup.path("volumes").toString()).contains("./scripts/kafka-access.sh:")
                .contains("./kafka-broker/src/main/resources/dev/agentdojo/kafka/access.properties:");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"order-service, orders", "payment-service, payments"})
    void theKafkaConnectOverrideRelaysWhatEachServiceWritesAndSwitchesItsOwnRelayOff(String name, String database) throws IOException {
        JsonNode connect = YAML.readTree(ROOT.resolve("docker-compose.connect.yml").toFile()).path("services");
        assertThat(connect.path(name).path("environment").path("SERVICE_OUTBOX_RELAY").asText()).isEqualTo("false");
        assertThat(connect.path("kafka-connect-setup").path("volumes").get(0).asText()).startsWith("./scripts/connect:");
        JsonNode connector = YAML.readTree(ROOT.resolve("scripts/connect/" + database + "-outbox.json").toFile());
        // what the outbox's migrations create (the outbox extension's db/outbox), and what its embedded relay reads (OutboxRelay)
        assertThat(connector.path("database.dbname").asText()).isEqualTo(properties(name).getProperty("service.database"));
        assertThat(connector.path("slot.name").asText()).isEqualTo("agentdojo_outbox_" + database);
        assertThat(Files.readString(ROOT.resolve("outbox/runtime/src/main/resources/db/outbox/V2__outbox_slot.sql")))
                .contains("'agentdojo_outbox_' || current_database()");
        assertThat(connector.path("publication.name").asText()).isEqualTo("agentdojo_outbox");
        assertThat(Files.readString(ROOT.resolve("outbox/runtime/src/main/resources/db/outbox/V1__outbox.sql")))
                .contains("create publication agentdojo_outbox for table outbox with (publish = 'insert')");
        assertThat(connector.path("table.include.list").asText()).isEqualTo("public.outbox");
        assertThat(connector.path("transforms.outbox.route.topic.replacement").asText())
                .isEqualTo(properties(name).getProperty("mp.messaging.outgoing.agent-dojo-out.topic"));
        assertThat(connector.path("producer.override.sasl.jaas.config").asText()).contains("username=\"" + name + "\"")
                .contains("${env:KAFKA_PASSWORD_" + name.toUpperCase().replace('-', '_') + "}");
        assertThat(connector.path("transforms.outbox.table.fields.additional.placement").asText())
                .isEqualTo("id:header:agent-dojo-event-id,source:header:agent-dojo-source,instance:header:agent-dojo-instance,"
                        + "traceparent:header:traceparent");
        assertThat(connector.path("value.converter").asText()).endsWith("StringConverter");
    }

    private static JsonNode compose() throws IOException {
        return YAML.readTree(ROOT.resolve("docker-compose.yml").toFile());
    }

    /** A service's settings as it sees them: what service-common sets for both, then its own application.properties over it. */
    private static Properties properties(String service) throws IOException {
        Properties properties = new Properties();
        for (Path file : new Path[] {ROOT.resolve("service-common/src/main/resources/META-INF/microprofile-config.properties"),
                ROOT.resolve(service).resolve("src/main/resources/application.properties")}) {
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
        }
        return properties;
    }
}
