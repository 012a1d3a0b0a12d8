package dev.agentdojo.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one process) in a child process,
 * listening on 127.0.0.1 only. Its storage lives in one directory, so a stopped broker restarted on
 * the same directory keeps its topics and offsets.
 *
 * <pre>{@code
 * LocalKafka kafka = LocalKafka.start(Path.of("target/kafka"), LocalKafka.freePort());
 * String bootstrap = kafka.bootstrapServers();   // "127.0.0.1:<port>"
 * kafka.stop();
 * }</pre>
 *
 * <p>From a shell ({@code scripts/kafka.sh} does this): {@code java -cp CP dev.agentdojo.kafka.LocalKafka
 * DIR PORT} starts the broker, waits until it answers, prints its pid and returns; the broker keeps
 * running.
 */
public final class LocalKafka {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Partitions of a topic the broker creates (agent-dojo.events): up to this many instances of a service share the work. */
    public static final int PARTITIONS = 6;

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private Process process;

    private LocalKafka(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** Formats {@code dir} if new, starts the broker on {@code port} and returns once it answers. */
    public static LocalKafka start(Path dir, int port) {
        Path absolute = dir.toAbsolutePath();
        int controllerPort = readControllerPort(absolute).orElseGet(LocalKafka::freePort);
        LocalKafka kafka = new LocalKafka(absolute, port, controllerPort);
        kafka.startProcess();
        return kafka;
    }

    /** Starts this broker again on its directory and ports (after {@link #stop} or {@link #kill}). */
    public void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the broker is still running (pid " + process.pid() + ")");
        }
        startProcess();
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
        String properties = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=" + PARTITIONS,
                "auto.create.topics.enable=true",
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
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000))) {
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

    /** {@code LocalKafka DIR PORT}: starts a broker that outlives this command, prints its pid. */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: LocalKafka DIR PORT");
            System.exit(2);
        }
        LocalKafka kafka = start(Path.of(args[0]), Integer.parseInt(args[1]));
        System.out.println(kafka.pid());
        System.exit(0);
    }

    @Override
    public String toString() {
        return "Kafka[" + bootstrapServers() + ", " + dir + File.separator + "]";
    }
}
