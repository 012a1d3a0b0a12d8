package dev.agentdojo.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentdojo.kafka.LocalKafka;
import dev.agentdojo.postgres.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One trace per order, across both services, in a real trace backend: both services run with
 * tracing on and spans sent to a Zipkin server ({@code scripts/zipkin.sh}, from Maven Central); the
 * test places orders and reads each order's trace back through Zipkin's API. Its own broker,
 * database and backend, since every instance on the topics must trace for a chain to stay whole.
 */
class TracingIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of(System.getProperty("e2e.root", ".."));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Path work;
    private static LocalKafka kafka;
    private static LocalPostgres postgres;
    private static int zipkinPort;
    private static ServiceProcess orders;
    private static ServiceProcess payments;
    private static Api api;

    @BeforeAll
    static void startTracedStack() throws Exception {
        work = Files.createDirectories(Path.of(System.getProperty("e2e.work", "target/e2e")).resolve("tracing-" + System.nanoTime()))
                .toAbsolutePath();
        zipkinPort = LocalKafka.freePort();
        zipkin("start");
        kafka = LocalKafka.start(work.resolve("kafka"), LocalKafka.freePort());
        postgres = LocalPostgres.start(work.resolve("postgres"), LocalPostgres.freePort(), "orders", "payments");
        Map<String, String> properties = Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(),
                "PG_PORT", String.valueOf(postgres.port()),
                "quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.bsp.schedule.delay", "200ms",
                "orders.trace-url", "http://127.0.0.1:" + zipkinPort + "/zipkin/traces/{traceId}");
        orders = new ServiceProcess("order-service", Environment.jar("order-service.jar"), LocalKafka.freePort(), properties,
                withZipkin(Environment.login(kafka, postgres, "order-service")), work);
        payments = new ServiceProcess("payment-service", Environment.jar("payment-service.jar"), LocalKafka.freePort(), properties,
                withZipkin(Environment.login(kafka, postgres, "payment-service")), work);
        payments.start();
        orders.start();
        api = new Api(orders, payments);
    }

    private static Map<String, String> withZipkin(Map<String, String> login) {
        Map<String, String> env = new HashMap<>(login);
        env.put("ZIPKIN_ENDPOINT", "http://127.0.0.1:" + zipkinPort + "/api/v2/spans");
        return env;
    }

    @AfterAll
    static void stopTracedStack() throws Exception {
        for (AutoCloseable stop : new AutoCloseable[] {
                () -> orders.stop(), () -> payments.stop(), () -> kafka.stop(), () -> postgres.stop(), () -> zipkin("stop")}) {
            try {
                stop.close();
            } catch (RuntimeException e) {
                System.out.println("TracingIT: could not stop a part: " + e);
            }
        }
    }

    private static void zipkin(String command) throws IOException, InterruptedException {
        ProcessBuilder script = new ProcessBuilder("bash", "scripts/zipkin.sh", command).directory(ROOT.toFile()).inheritIO();
        script.environment().put("ZIPKIN_PORT", String.valueOf(zipkinPort));
        script.environment().put("ZIPKIN_DIR", work.resolve("zipkin").toString());
        assertThat(script.start().waitFor()).as("scripts/zipkin.sh " + command).isZero();
    }

    @Test
    void eachOrderIsOneTraceWithSpansFromBothServicesInCausalOrder() throws Exception {
        List<CompletableFuture<Api.Reply>> placed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            placed.add(api.placeOrder("traced-" + i, new BigDecimal(i == 3 ? "5000" : "20"))); // the last one declined
        }
        List<String> ids = new ArrayList<>();
        for (CompletableFuture<Api.Reply> reply : placed) {
            assertThat(reply.join().status()).isEqualTo(202);
            ids.add(reply.join().text("id"));
        }
        Set<String> traces = new HashSet<>();
        for (String id : ids) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !"PENDING".equals(api.getOrder(id).text("status")));
            Api.Reply chain = api.chain(id);
            String traceId = chain.text("traceId");
            assertThat(traceId).as("order " + id + " has a trace").matches("[0-9a-f]{32}");
            assertThat(chain.text("traceUrl")).isEqualTo("http://127.0.0.1:" + zipkinPort + "/zipkin/traces/" + traceId);
            traces.add(traceId);

            Map<String, JsonNode> spans = new HashMap<>();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                spans.clear();
                for (JsonNode span : trace(traceId)) {
                    spans.put(span.path("id").asText(), span);
                }
                // the settlement back in order-service is the last hop: its span ends the chain
                assertThat(spans.values()).anyMatch(s -> is(s, "order-service", "CONSUMER"));
            });
            assertCausalChain(id, spans);
        }
        assertThat(traces).as("one trace per order, none shared").hasSize(ids.size());

        String orderLog = Files.readString(orders.log());
        String paymentLog = Files.readString(payments.log());
        for (String traceId : traces) {
            assertThat(orderLog).as("order-service's audit lines name the trace").containsPattern("trace=" + traceId + " span=[0-9a-f]{16}");
            assertThat(paymentLog).as("payment-service's audit lines name the trace").containsPattern("trace=" + traceId + " span=[0-9a-f]{16}");
        }
    }

    /**
     * The chain of spans of one order: the POST is the only root; the relay's send in order-service,
     * payment-service's handling, its gateway call and its send, and order-service's handling of the
     * outcome follow one another, each a child of the one before and starting no earlier.
     */
    private static void assertCausalChain(String orderId, Map<String, JsonNode> spans) {
        List<JsonNode> roots = spans.values().stream().filter(s -> !s.has("parentId")).toList();
        assertThat(roots).as("order " + orderId + ": one root").hasSize(1);
        JsonNode root = roots.get(0);
        assertThat(root.path("localEndpoint").path("serviceName").asText()).isEqualTo("order-service");
        assertThat(root.path("kind").asText()).isEqualTo("SERVER");
        assertThat(root.path("name").asText()).isEqualToIgnoringCase("post /orders");
        for (JsonNode span : spans.values()) {
            if (span.has("parentId")) {
                assertThat(spans).as("the parent of " + span.path("name").asText() + " is in the trace").containsKey(span.path("parentId").asText());
            }
        }

        JsonNode settled = spans.values().stream().filter(s -> is(s, "order-service", "CONSUMER")).findFirst().orElseThrow();
        JsonNode paymentSend = parent(spans, settled);
        assertThat(is(paymentSend, "payment-service", "PRODUCER")).as("order-service handled what payment-service sent").isTrue();
        JsonNode paymentHandling = parent(spans, paymentSend);
        assertThat(is(paymentHandling, "payment-service", "CONSUMER")).as("payment-service sent while it handled").isTrue();
        assertThat(spans.values()).as("the gateway call, within payment-service's handling")
                .anyMatch(s -> s.path("name").asText().equals("payment gateway charge")
                        && s.path("parentId").asText().equals(paymentHandling.path("id").asText()));
        JsonNode orderSend = parent(spans, paymentHandling);
        assertThat(is(orderSend, "order-service", "PRODUCER")).as("payment-service handled what order-service's relay sent").isTrue();
        assertThat(parent(spans, orderSend)).as("the relay sent what the POST committed").isEqualTo(root);

        List<JsonNode> chain = List.of(root, orderSend, paymentHandling, paymentSend, settled);
        for (int i = 1; i < chain.size(); i++) {
            assertThat(chain.get(i).path("timestamp").asLong()).as("each hop starts after the one that caused it")
                    .isGreaterThanOrEqualTo(chain.get(i - 1).path("timestamp").asLong());
        }
    }

    private static JsonNode parent(Map<String, JsonNode> spans, JsonNode span) {
        return spans.get(span.path("parentId").asText());
    }

    private static boolean is(JsonNode span, String service, String kind) {
        return span.path("localEndpoint").path("serviceName").asText().equals(service) && span.path("kind").asText().equals(kind);
    }

    private static List<JsonNode> trace(String traceId) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + zipkinPort + "/api/v2/trace/" + traceId)).build(), HttpResponse.BodyHandlers.ofString());
        List<JsonNode> spans = new ArrayList<>();
        if (response.statusCode() == 200) {
            JSON.readTree(response.body()).forEach(spans::add);
        }
        return spans;
    }
}
