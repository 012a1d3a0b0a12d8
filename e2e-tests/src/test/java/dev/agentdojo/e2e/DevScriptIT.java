package dev.agentdojo.e2e;

import dev.agentdojo.kafka.LocalKafka;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code TRACES=1 scripts/dev.sh}, as a newcomer runs it from a clone: one command, nothing sourced,
 * both services come up in {@code quarkus:dev} on a broker and a database the dev stack found, an
 * order goes through the chain and its trace is in the local Zipkin, and Ctrl-C leaves nothing running. (The live reload itself:
 * {@code DevModeReloadTest} in order-service.) Its own ports and folder, so it never meets the other tests.
 */
class DevScriptIT {

    private static final Path ROOT = Path.of(System.getProperty("e2e.root", ".."));
    /** Two Maven builds and two dev-mode JVMs start on a busy machine: generous. */
    private static final Duration START_BOUND = Duration.ofMinutes(6);
    private static final Duration STOP_BOUND = Duration.ofSeconds(90);

    @Test
    void oneCommandBringsUpBothServicesInDevModeAnOrderIsConfirmedAndCtrlCStopsEverything() throws Exception {
        List<Integer> ports = List.of(LocalKafka.freePort(), LocalKafka.freePort(), LocalKafka.freePort(), LocalKafka.freePort(),
                LocalKafka.freePort());
        Path dir = Files.createDirectories(Path.of(System.getProperty("e2e.work", "target/e2e"))
                .resolve("dev-" + System.nanoTime())).toAbsolutePath();
        Path output = dir.resolve("dev-output.txt");
        ProcessBuilder builder = new ProcessBuilder("bash", "scripts/dev.sh")
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        // nothing of a login in the environment: the dev stack must find it on its own
        builder.environment().keySet().removeIf(name -> name.startsWith("KAFKA_") || name.startsWith("PG_"));
        builder.environment().putAll(Map.of(
                "ORDER_PORT", ports.get(0).toString(),
                "PAYMENT_PORT", ports.get(1).toString(),
                "KAFKA_PORT", ports.get(2).toString(),
                "PG_PORT", ports.get(3).toString(),
                "ZIPKIN_PORT", ports.get(4).toString(),
                "TRACES", "1",
                "DEV_DIR", dir.toString()));
        Process process = builder.start();
        try {
            await().atMost(START_BOUND).pollInterval(Duration.ofSeconds(1))
                    .failFast("dev.sh exited early", () -> !process.isAlive())
                    .until(() -> Files.readString(output).contains("Ready."));
            String started = Files.readString(output);
            assertThat(started).contains("[orders]", "[payments]",
                    "Dev stack: Kafka on 127.0.0.1:" + ports.get(2), "logged in as order-service", "logged in as payment-service",
                    "Dev stack: PostgreSQL on 127.0.0.1:" + ports.get(3), "database orders", "database payments",
                    "Profile dev activated. Live Coding activated.", "Traces: http://127.0.0.1:" + ports.get(4) + "/zipkin/");

            HttpClient http = HttpClient.newHttpClient();
            String placed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(0) + "/orders"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"customer\":\"newcomer\",\"amount\":12}")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String id = placed.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
            await().atMost(Duration.ofSeconds(60)).until(() -> http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(0) + "/orders/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("\"CONFIRMED\""));

            // the order's trace: named by the API, in Zipkin with spans of both services
            String chain = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(0) + "/orders/" + id + "/events")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String traceId = chain.replaceAll(".*\"traceId\":\"([0-9a-f]{32})\".*", "$1");
            assertThat(chain).contains("\"traceUrl\":\"http://127.0.0.1:" + ports.get(4) + "/zipkin/traces/" + traceId + "\"");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(4) + "/api/v2/trace/" + traceId)).build(),
                    HttpResponse.BodyHandlers.ofString()).body())
                    .contains("\"serviceName\":\"order-service\"", "\"serviceName\":\"payment-service\"", "\"kind\":\"CONSUMER\""));

            // Ctrl-C: SIGINT where the script can trap it, else SIGTERM (one trap for both; see DemoScriptIT)
            new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
            assertThat(process.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS)).as("stopped").isTrue();
            assertThat(Files.readString(output)).contains("Stopping...", "Kafka stopped", "PostgreSQL stopped", "Zipkin stopped", "Stopped.");
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(line -> line.contains(dir.toString())
                            || line.contains("--armeria.ports[0].port=" + ports.get(4))).orElse(false))
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                    .toList()).as("processes of this run still running").isEmpty());
        } finally {
            if (process.isAlive()) {
                process.destroy();
                process.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS);
            }
            ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(line -> line.contains(dir.toString())).orElse(false))
                    .forEach(ProcessHandle::destroyForcibly);
        }
    }
}
