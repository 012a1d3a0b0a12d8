package dev.agentdojo.kafka;

import dev.agentdojo.local.Credentials;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.TopicExistsException;

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
 * running. {@code LocalKafka grant DIR PORT NAME WRITES READS [GROUP] [TXIDS]} grants a running broker's
 * new principal.
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
        this.credentials = new Credentials(dir, "passwords of this broker's principals (LocalKafka); keep private");
    }

    /**
     * Formats {@code dir} if new, starts the broker on {@code port}, grants the principals of
     * {@code access.properties} and returns once it answers.
     */
    public static LocalKafka start(Path dir, int port) {
        Path absolute = dir.toAbsolutePath();
        int controllerPort = ServerProperties.controllerPort(absolute).orElseGet(LocalKafka::freePort);
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
            admin.createAcls(access.aclBindings()).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while granting " + access.principal(), e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not grant " + access.principal() + " on " + this + ": " + e.getMessage(), e);
        }
        writeClientFiles(access.principal());
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
        ClientFiles.write(dir, principal, credentials.password(principal), bootstrapServers(), clientConfig(principal));
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
                        "-t", Uuid.randomUuid().toString(), "-c", config.toString()), Credentials.privateLog(dir.resolve("format.log")));
            }
            // the broker's log is its owner's alone, as its password files are: a log may show a login
            ProcessBuilder broker = new ProcessBuilder(java("kafka.Kafka", config.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(Credentials.privateLog(dir.resolve("broker.log")).toFile()));
            process = broker.start();
            awaitReady();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Kafka in " + dir, e);
        }
    }

    private Path writeConfig() throws IOException {
        Access.defaults().forEach(access -> credentials.password(access.principal()));
        return ServerProperties.write(dir, port, controllerPort, credentials, ADMIN, PARTITIONS);
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
     * {@code LocalKafka grant DIR PORT NAME WRITES READS [GROUP] [TXIDS]}: grants a principal on the
     * broker running there (topics, and the transactional ids its producers may use, separated by
     * commas; an empty GROUP for none) and prints where its client files are.
     */
    public static void main(String[] args) {
        if (args.length == 2) {
            LocalKafka kafka = start(Path.of(args[0]), Integer.parseInt(args[1]));
            System.out.println(kafka.pid());
        } else if (args.length >= 6 && args.length <= 8 && args[0].equals("grant")) {
            Path dir = Path.of(args[1]).toAbsolutePath();
            LocalKafka kafka = new LocalKafka(dir, Integer.parseInt(args[2]), ServerProperties.controllerPort(dir).orElse(0));
            Access access = new Access(args[3], Access.list(args[4]), Access.list(args[5]),
                    Optional.ofNullable(args.length >= 7 ? args[6].strip() : null).filter(group -> !group.isEmpty()),
                    args.length == 8 ? Access.list(args[7]) : List.of());
            kafka.grant(access);
            System.out.println(dir.resolve(access.principal() + ".properties") + " " + dir.resolve(access.principal() + ".env"));
        } else {
            System.err.println("usage: LocalKafka DIR PORT | LocalKafka grant DIR PORT NAME WRITES READS [GROUP] [TXIDS]");
            System.exit(2);
        }
        System.exit(0);
    }

    @Override
    public String toString() {
        return "Kafka[" + bootstrapServers() + ", " + dir + File.separator + "]";
    }
}
