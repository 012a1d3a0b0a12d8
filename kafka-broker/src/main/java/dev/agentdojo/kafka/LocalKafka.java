package dev.agentdojo.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one process) in a child process,
 * listening on 127.0.0.1 only, where every client authenticates and may only do what
 * {@code access.properties} allows it. Its storage lives in one directory, so a stopped broker
 * restarted on the same directory keeps its topics, offsets, principals and passwords.
 *
 * <pre>{@code
 * LocalKafka kafka = LocalKafka.start(Path.of("target/kafka"), LocalKafka.freePort());
 * Map<String, Object> config = kafka.clientConfig("observer");  // bootstrap servers and SCRAM login
 * kafka.stop();
 * }</pre>
 *
 * <p>Clients log in with SCRAM-SHA-512 as one of the principals of {@code access.properties}
 * ({@link #grant} adds more), with a password made at random when the principal is first named. For
 * each principal the broker's directory holds {@code NAME.properties} (librdkafka's settings, for
 * {@code kcat -F}), {@code NAME.client.properties} (a Java client's) and {@code NAME.env} ({@code KAFKA_USERNAME}, {@code KAFKA_PASSWORD} and
 * {@code KAFKA_BOOTSTRAP_SERVERS}, for a service). The principal {@value #ADMIN} may do anything; its
 * password is only in the directory.
 *
 * <p>From a shell ({@code scripts/kafka.sh} does this): {@code java -cp CP dev.agentdojo.kafka.LocalKafka
 * DIR PORT} starts the broker, waits until it answers, prints its pid and returns; the broker keeps
 * running. {@code LocalKafka grant DIR NAME WRITES READS [GROUP]} grants a running broker's new principal.
 */
public final class LocalKafka {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Partitions of a topic granted to a writer: up to this many instances of a service share the work. */
    public static final int PARTITIONS = 6;

    /** The principal that may do anything: the broker itself, and whoever sets up topics and rights. */
    public static final String ADMIN = "admin";

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final Credentials credentials;
    private Process process;

    private LocalKafka(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.credentials = new Credentials(dir);
    }

    /**
     * Formats {@code dir} if new, starts the broker on {@code port}, grants the principals of
     * {@code access.properties} and returns once it answers.
     */
    public static LocalKafka start(Path dir, int port) {
        Path absolute = dir.toAbsolutePath();
        int controllerPort = readControllerPort(absolute).orElseGet(LocalKafka::freePort);
        LocalKafka kafka = new LocalKafka(absolute, port, controllerPort);
        kafka.startProcess();
        Access.defaults().forEach(kafka::grant);
        return kafka;
    }

    /**
     * Gives a principal its password (made now if it has none), its topics (created if missing) and
     * its rights, on the running broker; writes its client files. Granting again is harmless.
     */
    public void grant(Access access) {
        try (Admin admin = Admin.create(clientConfig(ADMIN))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(access.principal(),
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), credentials.password(access.principal()))))
                    .all().get(30, TimeUnit.SECONDS);
            List<NewTopic> topics = access.writes().stream().filter(t -> !t.equals("*"))
                    .map(t -> new NewTopic(t, PARTITIONS, (short) 1)).toList();
            for (var created : admin.createTopics(topics).values().values()) {
                try {
                    created.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            admin.createAcls(bindings(access)).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while granting " + access.principal(), e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not grant " + access.principal() + " on " + this + ": " + e.getMessage(), e);
        }
        writeClientFiles(access.principal());
    }

    private static List<AclBinding> bindings(Access access) {
        String user = "User:" + access.principal();
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : access.writes()) {
            acls.add(allow(ResourceType.TOPIC, topic, user, AclOperation.WRITE));
            acls.add(allow(ResourceType.TOPIC, topic, user, AclOperation.DESCRIBE));
        }
        for (String topic : access.reads()) {
            acls.add(allow(ResourceType.TOPIC, topic, user, AclOperation.READ));
            acls.add(allow(ResourceType.TOPIC, topic, user, AclOperation.DESCRIBE));
        }
        access.group().ifPresent(group -> acls.add(allow(ResourceType.GROUP, group, user, AclOperation.READ)));
        return acls;
    }

    private static AclBinding allow(ResourceType type, String name, String principal, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    /**
     * What a Java client needs to connect as {@code principal}: the bootstrap servers and its SCRAM
     * login (PLAIN for {@value #ADMIN}).
     */
    public Map<String, Object> clientConfig(String principal) {
        String module = principal.equals(ADMIN) ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        config.put(SaslConfigs.SASL_MECHANISM, principal.equals(ADMIN) ? "PLAIN" : "SCRAM-SHA-512");
        config.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + principal
                + "\" password=\"" + credentials.password(principal) + "\";");
        return config;
    }

    /** The password of {@code principal} on this broker. */
    public String password(String principal) {
        return credentials.password(principal);
    }

    /** Where this broker keeps its storage, log and client files. */
    public Path dir() {
        return dir;
    }

    private void writeClientFiles(String principal) {
        String password = credentials.password(principal);
        try {
            Path librdkafka = dir.resolve(principal + ".properties");
            Files.writeString(librdkafka, String.join("\n",
                    "# " + principal + " on the local broker, for librdkafka clients: kcat -F " + librdkafka + " -C -t TOPIC",
                    "# PLAIN: librdkafka before 2.6.1 (Debian 12's kcat) fails SCRAM against Kafka 4; a newer one may",
                    "# say SCRAM-SHA-512. A principal granted while the broker runs has PLAIN from the broker's next start.",
                    "bootstrap.servers=" + bootstrapServers(),
                    "security.protocol=SASL_PLAINTEXT",
                    "sasl.mechanisms=PLAIN",
                    "sasl.username=" + principal,
                    "sasl.password=" + password,
                    ""));
            Credentials.restrict(librdkafka);
            Path java = dir.resolve(principal + ".client.properties");
            StringBuilder javaClient = new StringBuilder("# " + principal
                    + " on the local broker, for Java clients (kafka-console-consumer.sh --consumer.config " + java + ")\n");
            clientConfig(principal).forEach((key, value) -> javaClient.append(key).append('=').append(value).append('\n'));
            Files.writeString(java, javaClient);
            Credentials.restrict(java);
            Path env = dir.resolve(principal + ".env");
            Files.writeString(env, String.join("\n",
                    "# " + principal + " on the local broker, for a service: set -a; . " + env + "; set +a",
                    "KAFKA_BOOTSTRAP_SERVERS=" + bootstrapServers(),
                    "KAFKA_USERNAME=" + principal,
                    "KAFKA_PASSWORD=" + password,
                    ""));
            Credentials.restrict(env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts this broker again on its directory and ports (after {@link #stop} or {@link #kill}), and
     * grants {@code access.properties} again (its storage may have been deleted meanwhile).
     */
    public void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the broker is still running (pid " + process.pid() + ")");
        }
        startProcess();
        Access.defaults().forEach(this::grant);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the broker cleanly (SIGTERM), forcibly after 30 s. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    /** Kills the broker at once (SIGKILL). */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A TCP port free on 127.0.0.1 right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startProcess() {
        try {
            Files.createDirectories(dir);
            Path config = writeConfig();
            if (!Files.exists(dir.resolve("data/meta.properties"))) {
                run(List.of("kafka.tools.StorageTool", "format", "--standalone", "--ignore-formatted",
                        "-t", Uuid.randomUuid().toString(), "-c", config.toString()), dir.resolve("format.log"));
            }
            ProcessBuilder broker = new ProcessBuilder(java("kafka.Kafka", config.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()));
            process = broker.start();
            awaitReady();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Kafka in " + dir, e);
        }
    }

    private Path writeConfig() throws IOException {
        Path config = dir.resolve("server.properties");
        String adminPassword = credentials.password(ADMIN);
        Access.defaults().forEach(access -> credentials.password(access.principal()));
        StringBuilder plain = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"")
                .append(ADMIN).append("\" password=\"").append(adminPassword).append('"');
        for (String principal : credentials.principals()) {
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
                "super.users=User:" + ADMIN,
                "allow.everyone.if.no.acl.found=false",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=" + PARTITIONS,
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
        Files.writeString(config, properties);
        Credentials.restrict(config);
        return config;
    }

    private static Optional<Integer> readControllerPort(Path dir) {
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

    private void awaitReady() {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        Map<String, Object> config = clientConfig(ADMIN);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000);
        try (Admin admin = Admin.create(config)) {
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Kafka exited with " + process.exitValue() + "; see " + dir.resolve("broker.log"));
                }
                try {
                    admin.describeCluster().nodes().get(4, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    pause();
                }
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("Kafka did not answer within " + READY_TIMEOUT.toSeconds() + " s; see " + dir.resolve("broker.log"));
    }

    private static void pause() {
        try {
            Thread.sleep(200); // a launcher thread polling a starting broker, never an event loop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    private void run(List<String> mainAndArgs, Path log) throws IOException {
        Process p = new ProcessBuilder(java(mainAndArgs.toArray(String[]::new)))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("'" + String.join(" ", mainAndArgs) + "' failed; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
    }

    private static List<String> java(String... mainAndArgs) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(javaBin, "-Xmx512m", "-XX:+UseG1GC",
                "-cp", classpath));
        command.addAll(List.of(mainAndArgs));
        return command;
    }

    /**
     * {@code LocalKafka DIR PORT}: starts a broker that outlives this command, prints its pid.
     * {@code LocalKafka grant DIR PORT NAME WRITES READS [GROUP]}: grants a principal on the broker
     * running there (topics separated by commas) and prints where its client files are.
     */
    public static void main(String[] args) {
        if (args.length == 2) {
            LocalKafka kafka = start(Path.of(args[0]), Integer.parseInt(args[1]));
            System.out.println(kafka.pid());
        } else if ((args.length == 6 || args.length == 7) && args[0].equals("grant")) {
            Path dir = Path.of(args[1]).toAbsolutePath();
            LocalKafka kafka = new LocalKafka(dir, Integer.parseInt(args[2]), readControllerPort(dir).orElse(0));
            Access access = new Access(args[3], Access.list(args[4]), Access.list(args[5]),
                    Optional.ofNullable(args.length == 7 ? args[6] : null));
            kafka.grant(access);
            System.out.println(dir.resolve(access.principal() + ".properties") + " " + dir.resolve(access.principal() + ".env"));
        } else {
            System.err.println("usage: LocalKafka DIR PORT | LocalKafka grant DIR PORT NAME WRITES READS [GROUP]");
            System.exit(2);
        }
        System.exit(0);
    }

    @Override
    public String toString() {
        return "Kafka[" + bootstrapServers() + ", " + dir + File.separator + "]";
    }
}
