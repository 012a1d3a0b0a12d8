package dev.agentdojo.kafka;

import dev.agentdojo.local.Credentials;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The local broker's {@code server.properties}: a single KRaft node on 127.0.0.1 where every
 * connection logs in, and nothing is allowed that an ACL does not allow.
 */
final class ServerProperties {

    private ServerProperties() {
    }

    /** Writes {@code server.properties} in {@code dir}: the listeners, the logins and the authorizer; readable by its owner alone. */
    static Path write(Path dir, int port, int controllerPort, Credentials credentials, String admin, int partitions) throws IOException {
        Path config = dir.resolve("server.properties");
        String adminPassword = credentials.password(admin);
        StringBuilder plain = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"")
                .append(admin).append("\" password=\"").append(adminPassword).append('"');
        for (String principal : credentials.logins()) {
            plain.append(" user_").append(principal).append("=\"").append(credentials.password(principal)).append('"');
        }
        plain.append(';');
        String properties = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=CLIENTS://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=CLIENTS://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=CLIENTS",
                // every connection authenticates: Java clients with SCRAM (their passwords are in the
                // metadata, set by grant); the broker itself, the admin and librdkafka clients with PLAIN
                // (passwords listed here, known at start): librdkafka before 2.6.1, e.g. Debian 12's kcat,
                // fails SCRAM against Kafka 4 brokers. PLAIN sends the password as it is, on 127.0.0.1 only.
                "listener.security.protocol.map=CLIENTS:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
                "listener.name.clients.sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN",
                "listener.name.clients.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "listener.name.clients.plain.sasl.jaas.config=" + plain,
                "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
                "listener.name.controller.plain.sasl.jaas.config=" + plain,
                "sasl.mechanism.inter.broker.protocol=PLAIN",
                "sasl.mechanism.controller.protocol=PLAIN",
                // nothing is allowed that an ACL does not allow (access.properties), except to the admin
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users=User:" + admin,
                "allow.everyone.if.no.acl.found=false",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=" + partitions,
                // topics are made by grant, for the principal that writes them
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.retention.hours=168",
                "");
        Credentials.writePrivate(config, properties);
        return config;
    }

    /** The controller port a broker in {@code dir} was configured with, if it was. */
    static Optional<Integer> controllerPort(Path dir) {
        Path config = dir.resolve("server.properties");
        if (!Files.exists(config)) {
            return Optional.empty();
        }
        try {
            return Files.readAllLines(config).stream()
                    .filter(l -> l.startsWith("controller.quorum.bootstrap.servers="))
                    .map(l -> Integer.parseInt(l.substring(l.lastIndexOf(':') + 1)))
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
