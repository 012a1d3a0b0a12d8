package dev.agentdojo.e2e;

import dev.agentdojo.kafka.LocalKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The script compose's {@code kafka-setup} runs ({@code scripts/kafka-access.sh}) with the Kafka
 * image's tools, here the same tools from Maven artifacts, against a broker that requires logins:
 * it sets each principal of {@code access.properties} to the password it is given (through a file:
 * kafka-configs.sh's {@code --add-config-file}; a password with brackets and commas too), and the
 * rights it grants are what the file says, each service's outbox relay's transactional id among
 * them. A broker of its own, so the shared one keeps its passwords.
 */
class KafkaAccessScriptIT {

    private static final Path ROOT = Path.of(System.getProperty("e2e.root", ".."));

    @Test
    void theComposeSetupScriptGivesEachPrincipalItsPasswordAndOnlyItsRights() throws Exception {
        Path work = Path.of(System.getProperty("e2e.work", "target/e2e")).resolve("access-" + System.currentTimeMillis());
        LocalKafka kafka = LocalKafka.start(work.resolve("kafka"), LocalKafka.freePort());
        try {
            String oldPassword = kafka.password("order-service");
            String ordersPassword = "orders from compose, [x]=#$";
            try (Admin admin = Admin.create(kafka.clientConfig(LocalKafka.ADMIN))) {
                // the transactional ids' rights LocalKafka gave: the script is to give them again
                admin.deleteAcls(List.of(new AclBindingFilter(new ResourcePatternFilter(ResourceType.TRANSACTIONAL_ID, null, PatternType.ANY),
                        AccessControlEntryFilter.ANY))).all().get(30, TimeUnit.SECONDS);
            }
            Map<String, String> env = new HashMap<>(Map.of(
                    "KAFKA_BIN", tools(work.resolve("bin")).toString(),
                    "ACCESS", ROOT.resolve("kafka-broker/src/main/resources/dev/agentdojo/kafka/access.properties").toString(),
                    "KAFKA_BOOTSTRAP", kafka.bootstrapServers(),
                    "KAFKA_ADMIN_PASSWORD", kafka.password(LocalKafka.ADMIN),
                    "KAFKA_PASSWORD_ORDER_SERVICE", ordersPassword,
                    "KAFKA_PASSWORD_PAYMENT_SERVICE", "payments-from-compose",
                    "KAFKA_PASSWORD_OBSERVER", "observer-from-compose"));
            ProcessBuilder script = new ProcessBuilder("bash", ROOT.resolve("scripts/kafka-access.sh").toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("kafka-access.log").toFile());
            script.environment().putAll(env);
            Process run = script.start();
            assertThat(run.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(run.exitValue()).as(Files.readString(work.resolve("kafka-access.log"))).isZero();
            assertThat(Files.readString(work.resolve("kafka-access.log"))).contains("access granted");

            try (KafkaProducer<String, String> orders = producer(kafka, "order-service", ordersPassword)) {
                orders.send(new ProducerRecord<>(EventLog.ORDERS, "k", "{}")).get(15, TimeUnit.SECONDS);
                assertThatThrownBy(() -> orders.send(new ProducerRecord<>(EventLog.PAYMENTS, "k", "{}")).get(15, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            try (KafkaProducer<String, String> observer = producer(kafka, "observer", "observer-from-compose")) {
                assertThatThrownBy(() -> observer.send(new ProducerRecord<>(EventLog.ORDERS, "k", "{}")).get(15, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            try (KafkaProducer<String, String> stale = producer(kafka, "order-service", oldPassword)) {
                assertThatThrownBy(() -> stale.send(new ProducerRecord<>(EventLog.ORDERS, "k", "{}")).get(15, TimeUnit.SECONDS))
                        .as("the password it had before is gone").hasRootCauseInstanceOf(SaslAuthenticationException.class);
            }
            try (KafkaProducer<String, String> relay = transactional(kafka, "order-service", ordersPassword, "order-service-outbox-relay")) {
                relay.initTransactions();
                relay.beginTransaction();
                relay.send(new ProducerRecord<>(EventLog.ORDERS, "k", "{}")).get(15, TimeUnit.SECONDS);
                relay.commitTransaction();
            }
            try (KafkaProducer<String, String> intruder = transactional(kafka, "payment-service", "payments-from-compose",
                    "order-service-outbox-relay")) {
                assertThatThrownBy(intruder::initTransactions).as("another service's transactional id")
                        .isInstanceOf(TransactionalIdAuthorizationException.class);
            }
        } finally {
            kafka.stop();
        }
    }

    /** kafka-configs.sh, kafka-topics.sh and kafka-acls.sh as the Kafka image has them, on this test's class path. */
    private static Path tools(Path bin) throws IOException {
        Files.createDirectories(bin);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (Map.Entry<String, String> tool : Map.of(
                "kafka-configs.sh", "kafka.admin.ConfigCommand",
                "kafka-topics.sh", "org.apache.kafka.tools.TopicCommand",
                "kafka-acls.sh", "org.apache.kafka.tools.AclCommand").entrySet()) {
            Path script = bin.resolve(tool.getKey());
            Files.writeString(script, "#!/bin/sh\nexec '" + java + "' -Xmx256m -cp '" + classpath + "' " + tool.getValue() + " \"$@\"\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        }
        return bin;
    }

    private static KafkaProducer<String, String> producer(LocalKafka kafka, String principal, String password) {
        Map<String, Object> config = config(kafka, principal, password);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        return new KafkaProducer<>(config);
    }

    /** A producer as a service's outbox relay makes one: transactional, with {@code transactionalId}. */
    private static KafkaProducer<String, String> transactional(LocalKafka kafka, String principal, String password, String transactionalId) {
        Map<String, Object> config = config(kafka, principal, password);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return new KafkaProducer<>(config);
    }

    private static Map<String, Object> config(LocalKafka kafka, String principal, String password) {
        Map<String, Object> config = kafka.clientConfig(principal);
        config.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + principal + "\" password=\"" + password + "\";");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return config;
    }
}
