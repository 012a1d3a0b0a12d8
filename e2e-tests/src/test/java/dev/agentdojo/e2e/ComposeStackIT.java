package dev.agentdojo.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code docker compose up} for real, with the base images built here from Debian's packages
 * ({@code scripts/compose-images.sh}, {@code docker-compose.local.yml}): every container healthy,
 * orders placed through the published port confirmed with their chain across the containers, two
 * payment-service replicas both at work, {@code docker compose restart payment-service} in the
 * middle of a stream of orders losing none, and {@code docker compose down -v} leaving nothing.
 * Starts a Docker engine if none runs (and stops only what it started); skipped, saying why, where
 * none can be started. Profile {@code compose}.
 */
class ComposeStackIT {

    private static final Path ROOT = Path.of(System.getProperty("e2e.root", "..")).toAbsolutePath().normalize();
    private static final Path WORK = Path.of(System.getProperty("e2e.work", "target/e2e")).toAbsolutePath().resolve("compose");
    private static final String PROJECT = "agentdojo-e2e";
    private static final String ORDERS = "http://127.0.0.1:8080";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Process engine;

    @BeforeAll
    static void dockerEngine() throws Exception {
        Files.createDirectories(WORK);
        if (run(Duration.ofSeconds(30), "docker", "info").exit() == 0) {
            return;
        }
        boolean root = run(Duration.ofSeconds(5), "id", "-u").out().trim().equals("0");
        Assumptions.assumeTrue(root && run(Duration.ofSeconds(5), "sh", "-c", "command -v dockerd").exit() == 0,
                "no Docker engine runs, and none can be started here (dockerd and root are needed): the compose stack is not tried");
        engine = new ProcessBuilder("dockerd").redirectErrorStream(true)
                .redirectOutput(WORK.resolve("dockerd.log").toFile()).start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> run(Duration.ofSeconds(10), "docker", "info").exit() == 0);
        System.out.println("started a Docker engine for this test (pid " + engine.pid() + ")");
    }

    @AfterAll
    static void stopWhatWasStarted() throws Exception {
        try {
            compose(Duration.ofMinutes(3), "down", "-v", "--remove-orphans");
            assertThat(run(Duration.ofSeconds(30), "docker", "ps", "-aq", "--filter", "label=com.docker.compose.project=" + PROJECT).out())
                    .as("docker compose down -v leaves no container").isBlank();
            assertThat(run(Duration.ofSeconds(30), "docker", "volume", "ls", "-q", "--filter", "label=com.docker.compose.project=" + PROJECT).out())
                    .as("nor a volume").isBlank();
        } finally {
            if (engine != null) {
                engine.destroy();
                engine.waitFor(60, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theStackRunsTheChainThroughItsContainersAndARestartLosesNothing() throws Exception {
        Result images = run(Duration.ofMinutes(20), "bash", ROOT.resolve("scripts/compose-images.sh").toString());
        System.out.println(images.out());
        assertThat(images.exit()).as(images.out()).isZero();

        long start = System.nanoTime();
        Result up = compose(Duration.ofMinutes(10), "up", "-d", "--build", "--scale", "payment-service=2");
        assertThat(up.exit()).as(up.out()).isZero();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2)).until(ComposeStackIT::allHealthy);
        System.out.printf("compose stack healthy %d s after up (images built or cached)%n",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
        System.out.println(compose(Duration.ofSeconds(30), "ps").out());
        System.out.println(run(Duration.ofSeconds(30), "docker", "images", "--format", "{{.Repository}}:{{.Tag}} {{.Size}}").out()
                .lines().filter(l -> l.startsWith("local/") || l.startsWith("agent-dojo/")).reduce("image sizes:", (a, b) -> a + "\n  " + b));

        String first = place("compose-first");
        assertThat(awaitFinal(first)).isEqualTo("CONFIRMED");
        JsonNode chain = get(ORDERS + "/orders/" + first + "/events");
        assertThat(chain.toString()).contains("order:created", "payment:process", "order:confirmed", "payment-service");

        // a stream of orders, with payment-service's containers restarted in the middle of it
        List<String> placed = new ArrayList<>();
        Thread restart = new Thread(() -> compose(Duration.ofMinutes(3), "restart", "payment-service"));
        for (int i = 0; i < 60; i++) {
            placed.add(place("compose-" + i));
            if (i == 15) {
                restart.start();
            }
            Thread.sleep(100); // paces a load generator at ~10 orders/s; it waits for no condition
        }
        restart.join(TimeUnit.MINUTES.toMillis(3));
        for (String id : placed) {
            assertThat(awaitFinal(id)).as("order %s after payment-service's restart", id).isIn("CONFIRMED", "PAYMENT_FAILED");
        }
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).until(ComposeStackIT::allHealthy);

        // both replicas take requests: the page's log shows outcomes from two payment-service instances
        Set<String> instances = new TreeSet<>();
        for (JsonNode event : get(ORDERS + "/events?limit=1000")) {
            if (event.path("source").asText().equals("payment-service")) {
                instances.add(event.path("instance").asText());
            }
        }
        System.out.println("payment-service instances seen on the live log: " + instances);
        assertThat(instances).hasSizeGreaterThanOrEqualTo(2);
    }

    private static boolean allHealthy() {
        List<String> ids = compose(Duration.ofSeconds(30), "ps", "-q").out().lines().filter(l -> !l.isBlank()).toList();
        if (ids.isEmpty()) {
            return false;
        }
        for (String id : ids) {
            String state = run(Duration.ofSeconds(30), "docker", "inspect", "-f",
                    "{{.Name}} {{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", id).out().trim();
            String[] parts = state.split(" ");
            boolean setupDone = parts[0].contains("kafka-setup") && parts[1].equals("exited") && parts[2].equals("0");
            if (!setupDone && !(parts[1].equals("running") && parts[3].equals("healthy"))) {
                return false;
            }
        }
        return true;
    }

    private static String place(String customer) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(ORDERS + "/orders"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"customer\":\"" + customer + "\",\"amount\":12.5}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("id").asText();
    }

    private static String awaitFinal(String id) {
        return await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> get(ORDERS + "/orders/" + id).path("status").asText(), status -> !status.equals("PENDING"));
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static Result compose(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("docker-compose", "-p", PROJECT,
                "-f", ROOT.resolve("docker-compose.yml").toString(), "-f", ROOT.resolve("docker-compose.local.yml").toString()));
        command.addAll(List.of(args));
        return run(timeout, command.toArray(String[]::new));
    }

    private record Result(int exit, String out) {
    }

    private static Result run(Duration timeout, String... command) {
        try {
            Path out = Files.createTempFile(WORK, "cmd-", ".log");
            Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", command) + " did not end within " + timeout + "\n" + Files.readString(out));
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            return new Result(p.exitValue(), text);
        } catch (IOException e) {
            return new Result(-1, String.join(" ", command) + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
