package dev.agentdojo.devstack.deployment;

import io.quarkus.deployment.IsDevelopment;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.ApplicationInfoBuildItem;
import io.quarkus.deployment.builditem.DevServicesResultBuildItem;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Dev Service for {@code quarkus:dev} without Docker. When the service has no broker login
 * ({@code KAFKA_PASSWORD}) or no database login ({@code PG_PASSWORD}) configured, it starts the
 * repository's local broker and PostgreSQL with {@code scripts/kafka.sh start} and
 * {@code scripts/postgres.sh start} — or finds them already running, started by the other service's
 * dev mode or by hand — and hands the service the address and its own login from the files those
 * servers write ({@code NAME.env}). Both services share one broker and one server, since both
 * look in the same directory.
 *
 * <p>The servers outlive dev mode (so that the other service keeps them, and a restart is quick):
 * {@code scripts/kafka.sh stop} and {@code scripts/postgres.sh stop} end them; {@code scripts/dev.sh}
 * does it on Ctrl-C.
 *
 * <p>Settings (in {@code application.properties} or as {@code -D}): {@link DevStackConfig}. The
 * service's principal is its {@code quarkus.application.name}, its database {@code service.database}.
 * Those two, and the logins it looks for, are read from the configuration as it is at build time:
 * {@code service.database} is a run-time setting of the services (no build-time root of this
 * extension can own it), and {@code KAFKA_PASSWORD} and {@code PG_PASSWORD} are the variables the
 * services' logins are made of, not keys of any mapping.
 */
public class DevStackProcessor {

    private static final Logger LOG = Logger.getLogger(DevStackProcessor.class);
    /** Resolving the broker or PostgreSQL from Maven Central on a first run takes a few minutes. */
    private static final long START_WITHIN_MINUTES = 10;

    @BuildStep(onlyIf = IsDevelopment.class)
    void startLocalStack(DevStackConfig stack, ApplicationInfoBuildItem app, BuildProducer<DevServicesResultBuildItem> devServices) {
        if (!stack.enabled()) {
            return;
        }
        Config config = ConfigProvider.getConfig();
        boolean needsKafka = !configured(config, "KAFKA_PASSWORD");
        Optional<String> database = config.getOptionalValue("service.database", String.class);
        boolean needsPostgres = database.isPresent() && !configured(config, "PG_PASSWORD");
        if (!needsKafka && !needsPostgres) {
            return;
        }
        Optional<Path> root = repositoryRoot();
        if (root.isEmpty()) {
            LOG.warnf("No broker or database login is configured, and %s is not inside this repository (no scripts/kafka.sh "
                    + "above it), so the local servers cannot be started: set KAFKA_PASSWORD and PG_PASSWORD, or run from the repository",
                    Path.of("").toAbsolutePath());
            return;
        }
        Path dir = stack.dir().map(Path::of).orElse(root.get().resolve("target")).toAbsolutePath();
        String application = app.getName();
        try {
            Files.createDirectories(dir);
            // two services started at once must not both start a broker: one at a time here
            try (FileChannel channel = FileChannel.open(dir.resolve("dev-stack.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                if (needsKafka) {
                    Path kafkaDir = dir.resolve("kafka");
                    run(root.get(), "kafka.sh", Map.of("KAFKA_DIR", kafkaDir.toString(),
                            "KAFKA_PORT", String.valueOf(stack.kafkaPort())));
                    Map<String, String> login = readEnv(kafkaDir.resolve(application + ".env"));
                    devServices.produce(DevServicesResultBuildItem.discovered()
                            .name("agent-dojo-kafka")
                            .description("the local Kafka broker of scripts/kafka.sh (" + kafkaDir + "), logged in as " + application)
                            .config(login)
                            .build());
                    LOG.infof("Dev stack: Kafka on %s (%s), logged in as %s", login.get("KAFKA_BOOTSTRAP_SERVERS"), kafkaDir, application);
                }
                if (needsPostgres) {
                    Path pgDir = dir.resolve("postgres");
                    run(root.get(), "postgres.sh", Map.of("PG_DIR", pgDir.toString(),
                            "PG_PORT", String.valueOf(stack.postgresPort())));
                    Map<String, String> login = readEnv(pgDir.resolve(database.get() + ".env"));
                    devServices.produce(DevServicesResultBuildItem.discovered()
                            .name("agent-dojo-postgres")
                            .description("the local PostgreSQL of scripts/postgres.sh (" + pgDir + "), database " + database.get())
                            .config(login)
                            .build());
                    LOG.infof("Dev stack: PostgreSQL on 127.0.0.1:%s (%s), database %s; both servers keep running after dev mode "
                            + "(scripts/kafka.sh stop, scripts/postgres.sh stop)", login.get("PG_PORT"), pgDir, database.get());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the dev stack could not start in " + dir, e);
        }
    }

    private static boolean configured(Config config, String name) {
        return config.getOptionalValue(name, String.class).filter(value -> !value.isBlank()).isPresent();
    }

    /** The directory with {@code scripts/kafka.sh}: this module's parent, or above it. */
    static Optional<Path> repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/kafka.sh")) && Files.isRegularFile(dir.resolve("scripts/postgres.sh"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /** Runs {@code scripts/NAME start}, each line it prints logged; fails with its output when it does. */
    private static void run(Path root, String script, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("scripts").resolve(script).toString(), "start")
                .directory(root.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                LOG.info("Dev stack: " + line);
                output.append(line).append('\n');
            }
            if (!process.waitFor(START_WITHIN_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("scripts/" + script + " start did not finish within " + START_WITHIN_MINUTES + " minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while scripts/" + script + " started", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("scripts/" + script + " start failed (exit " + process.exitValue() + "):\n" + output);
        }
    }

    /** {@code KEY=VALUE} lines of a server's {@code NAME.env}, comments left out. */
    static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return values;
    }
}
