package dev.agentdojo.e2e;

import dev.agentdojo.kafka.LocalKafka;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code scripts/zipkin.sh} (what {@code TRACES=1} starts) run from a shell where the services'
 * broker is set, as a user who points the services at a broker has it: Zipkin reads
 * {@code KAFKA_BOOTSTRAP_SERVERS} (and {@code RABBIT_ADDRESSES}) as "collect spans from there", and
 * with a broker it cannot use it said DOWN, and the script gave up ("Zipkin did not answer"). The
 * script starts it with its own settings only: it answers UP, takes spans over HTTP, keeps its log
 * private, and stops.
 */
class ZipkinScriptIT {

    private static final Path ROOT = Path.of(System.getProperty("e2e.root", ".."));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void zipkinStartsHealthyWhateverBrokerTheCallersEnvironmentNames() throws Exception {
        Path work = Files.createDirectories(Path.of(System.getProperty("e2e.work", "target/e2e")).resolve("zipkin-" + System.nanoTime()))
                .toAbsolutePath();
        int port = LocalKafka.freePort();
        try {
            assertThat(zipkin("start", port, work)).as("scripts/zipkin.sh start").isZero();

            HttpResponse<String> health = get("http://127.0.0.1:" + port + "/health");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(health.body()).contains("\"UP\"").doesNotContain("Kafka").doesNotContain("RabbitMQ");

            String traceId = "5af7183fb1d4cf5f" + Long.toHexString(System.nanoTime() | (1L << 60));
            HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v2/spans"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("[{\"traceId\":\"" + traceId + "\",\"id\":\"6b221d5bc9e6496c\","
                            + "\"name\":\"checked\",\"timestamp\":" + System.currentTimeMillis() * 1000 + ",\"duration\":1000,"
                            + "\"localEndpoint\":{\"serviceName\":\"zipkin-script-it\"}}]"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as("spans over HTTP: " + posted.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(get("http://127.0.0.1:" + port + "/api/v2/trace/" + traceId).body()).contains("zipkin-script-it"));

            Path log = work.resolve("zipkin/zipkin.log");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).as("its log").isEqualTo("rw-------");

            long pid = Long.parseLong(Files.readString(work.resolve("zipkin/zipkin.pid")).strip());
            assertThat(zipkin("stop", port, work)).as("scripts/zipkin.sh stop").isZero();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("stopped").isFalse();
        } finally {
            zipkin("stop", port, work);
        }
    }

    private static int zipkin(String command, int port, Path work) throws IOException, InterruptedException {
        ProcessBuilder script = new ProcessBuilder("bash", "scripts/zipkin.sh", command).directory(ROOT.toFile()).inheritIO();
        script.environment().put("ZIPKIN_PORT", String.valueOf(port));
        script.environment().put("ZIPKIN_DIR", work.resolve("zipkin").toString());
        // the services' broker, as a user sets it for them (nothing listens on port 1)
        script.environment().put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1");
        script.environment().put("RABBIT_ADDRESSES", "127.0.0.1:1");
        Process process = script.start();
        assertThat(process.waitFor(4, TimeUnit.MINUTES)).as("scripts/zipkin.sh " + command + " ends").isTrue();
        return process.exitValue();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
