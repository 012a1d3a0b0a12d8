package dev.agentdojo.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** One service run the way a user runs it: {@code java -jar quarkus-run.jar}, in its own process. */
final class ServiceProcess {

    private final String name;
    private final Path jar;
    private final int port;
    /** The management interface's: health, metrics, OpenAPI. */
    private final int managementPort;
    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;

    /**
     * @param properties  system properties it is started with
     * @param environment its environment on top of this JVM's: its Kafka login, as a user passes it
     */
    ServiceProcess(String name, Path jar, int port, Map<String, String> properties, Map<String, String> environment, Path workDir) {
        this(name, jar, port, dev.agentdojo.kafka.LocalKafka.freePort(), properties, environment, workDir);
    }

    private ServiceProcess(String name, Path jar, int port, int managementPort, Map<String, String> properties,
                           Map<String, String> environment, Path workDir) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.managementPort = managementPort;
        this.properties = properties;
        this.environment = environment;
        this.log = workDir.resolve(name + ".log");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(name + " is not built: " + jar + " is missing (run ./mvnw verify from the root)");
        }
    }

    /**
     * This service started with {@code more} system properties (a setting changed), on the same
     * ports, so with the same Kafka member id, and logging to the same file: not started.
     */
    ServiceProcess with(Map<String, String> more) {
        Map<String, String> all = new java.util.HashMap<>(properties);
        all.putAll(more);
        return new ServiceProcess(name, jar, port, managementPort, Map.copyOf(all), environment, log.getParent());
    }

    /** Starts the process and waits until {@code /q/health/ready} answers 200. */
    ServiceProcess start() {
        return launchAndAwait(this::ready);
    }

    /** Starts the process and waits until it answers HTTP ({@code /q/health/live} 200), ready or not. */
    ServiceProcess startLive() {
        return launchAndAwait(this::live);
    }

    private ServiceProcess launchAndAwait(Callable<Boolean> condition) {
        launch();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .failFast(name + " exited; see " + log, () -> !process.isAlive())
                .until(condition);
        return this;
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m", "-XX:+UseSerialGC"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.management.port=" + managementPort);
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.addAll(List.of("-jar", jar.toString()));
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. */
    void kill9() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGSTOP: the process stands still where it is, its sockets and locks open, until {@link #thaw}. */
    void freeze() {
        signal("-STOP");
    }

    /** SIGCONT: a {@linkplain #freeze frozen} process goes on. */
    void thaw() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            int exit = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + name, e);
        }
    }

    void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    kill9();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill9();
            }
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Where its health, metrics and API description are (not on {@link #baseUrl}). */
    String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    Path log() {
        return log;
    }

    /** {@code /q/health/ready} answers 200. */
    boolean ready() {
        return healthy("ready");
    }

    /** {@code /q/health/live} answers 200. */
    boolean live() {
        return healthy("live");
    }

    private boolean healthy(String check) {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/" + check)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
