package dev.agentdojo.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters a person can see, fix and send again. payment-service runs with a gateway that fails
 * every charge for good (a bug): the payment requests of three valid orders are dead-lettered, and
 * the orders stay PENDING. The operator sees the letters in payment-service's list and on the page
 * (Chromium), where one is discarded; the bug is fixed (payment-service restarted without it), two
 * retries of one letter at once handle it once, and its order is CONFIRMED, charged once. A letter
 * whose order was settled meanwhile (its payment finished by payment-service itself) is retried and
 * changes nothing. Without the operator's token, nothing is listed or retried.
 */
class DeadLettersIT extends EndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Path BROWSER = Path.of(System.getProperty("e2e.root", "..")).resolve("e2e-tests/src/test/browser");

    @Test
    void aRequestDeadLetteredByABugIsSeen_retriedOnceFixed_andItsOrderConfirmedChargedOnce() throws Exception {
        String token = env.operatorToken;
        List<ServiceProcess> started = new ArrayList<>();
        env.payments.stop();
        try {
            ServiceProcess broken = env.payments.with(Map.of("payment.gateway-fails", "true", "payment.resume-charging-after", "1h"));
            started.add(broken.start());
            String retried = place("retried-after-the-fix", "25.00");
            String settled = place("settled-meanwhile", "26.00");
            String discarded = place("discarded", "27.00");
            Map<String, JsonNode> letters = new HashMap<>();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                for (JsonNode letter : api.deadLetters(broken, token, "1000").body()) {
                    letters.put(letter.path("orderId").asText(), letter);
                }
                return letters.keySet().containsAll(List.of(retried, settled, discarded));
            });
            JsonNode letter = letters.get(retried);
            String id = letter.path("id").asText();
            assertThat(letter.path("eventName").asText()).isEqualTo("payment:process");
            assertThat(letter.path("state").asText()).isEqualTo("OPEN");
            assertThat(letter.path("reason").asText()).isEqualTo("failed");
            assertThat(letter.path("failureClass").asText()).isEqualTo("java.lang.IllegalStateException");
            assertThat(letter.path("failure").asText()).contains("payment.gateway-fails=true");
            assertThat(letter.path("topic").asText()).isEqualTo(EventLog.ORDERS);
            assertThat(letter.path("partition").isInt()).isTrue();
            assertThat(letter.path("offset").isNumber()).isTrue();
            assertThat(letter.path("envelope").path("id").asText()).isEqualTo(letter.path("eventId").asText());
            assertThat(letter.path("envelope").path("args").get(0).asText()).isEqualTo(retried);
            assertThat(api.getOrder(retried).text("status")).isEqualTo("PENDING");
            await().atMost(WAIT).untilAsserted(() -> assertThat(hops(retried))
                    .as("the chain shows where it stopped").containsExactly("order:created", "payment:process", "event:dead-lettered"));
            await().atMost(WAIT).until(() -> metric(broken, "agentdojo_dead_letters_unresolved", null) >= 3);

            assertThat(api.retry(broken, id, null).status()).as("a retry without the token").isEqualTo(401);
            assertThat(api.retry(broken, id, "not-" + token).status()).isEqualTo(403);
            assertThat(find(broken, token, id).path("state").asText()).isEqualTo("OPEN");
            String discardedId = letters.get(discarded).path("id").asText();
            onThePage(broken, token, retried, discarded);
            assertThat(api.discard(broken, discardedId, token, "again").status()).as("discarded once, on the page").isEqualTo(409);
            JsonNode onTheList = find(broken, token, discardedId);
            assertThat(onTheList.path("state").asText()).isEqualTo("DISCARDED");
            assertThat(onTheList.path("resolution").asText()).isEqualTo("discarded: refunded by hand");
            assertThat(onTheList.path("resolvedBy").asText()).startsWith("page (");
            assertThat(api.retry(broken, discardedId, token).status()).as("a discarded letter is not retried").isEqualTo(409);
            broken.stop();

            ServiceProcess fixed = env.payments.with(Map.of("payment.resume-charging-after", "1h"));
            started.add(fixed.start());
            CompletableFuture<Api.Reply> first = CompletableFuture.supplyAsync(() -> api.retry(fixed, id, token));
            CompletableFuture<Api.Reply> second = CompletableFuture.supplyAsync(() -> api.retry(fixed, id, token));
            List<Integer> statuses = List.of(first.get(90, TimeUnit.SECONDS).status(), second.get(90, TimeUnit.SECONDS).status());
            assertThat(statuses).as("two retries at once: handled once").containsOnlyOnce(409).containsAnyOf(200, 202);
            await().atMost(WAIT).until(() -> api.getOrder(retried).text("status").equals("CONFIRMED"));
            await().atMost(WAIT).until(() -> find(fixed, token, id).path("state").asText().equals("RETRIED"));
            JsonNode done = find(fixed, token, id);
            assertThat(done.path("resolution").asText()).isEqualTo("handled: its listeners completed");
            assertThat(done.path("actions")).singleElement().satisfies(action -> {
                assertThat(action.path("action").asText()).isEqualTo("retry");
                assertThat(action.path("operator").asText()).startsWith("e2e (");
            });
            assertThat(api.payment(retried).text("status")).isEqualTo("APPROVED");
            assertThat(paymentsMatchingTheirOneCharge(List.of(retried))).as("charged once").isEqualTo(1);
            assertThat(metric(fixed, "agentdojo_gateway_calls_total", "result=\"charged\"")).isEqualTo(1);
            await().atMost(WAIT).untilAsserted(() -> assertThat(hops(retried))
                    .containsExactly("order:created", "payment:process", "event:dead-lettered", "order:confirmed"));
            assertThat(api.retry(fixed, id, token).status()).as("a letter retried with success is resolved").isEqualTo(409);
            fixed.stop();

            // payment-service finishes the payments left CHARGING itself: the orders are settled without their letters
            ServiceProcess finishing = env.payments.with(Map.of("payment.resume-charging-after", "1s", "payment.resume-charging-every", "1s"));
            started.add(finishing.start());
            await().atMost(WAIT).until(() -> api.getOrder(settled).text("status").equals("CONFIRMED")
                    && api.getOrder(discarded).text("status").equals("CONFIRMED"));
            double calls = metric(finishing, "agentdojo_gateway_calls_total", null);
            String lateId = letters.get(settled).path("id").asText();
            Api.Reply late = api.retry(finishing, lateId, token);
            assertThat(late.status()).as("done, or accepted on a busy machine").isIn(200, 202);
            await().atMost(WAIT).until(() -> find(finishing, token, lateId).path("state").asText().equals("RETRIED"));
            assertThat(api.getOrder(settled).text("status")).isEqualTo("CONFIRMED");
            assertThat(paymentsMatchingTheirOneCharge(List.of(settled))).as("still charged once").isEqualTo(1);
            assertThat(metric(finishing, "agentdojo_gateway_calls_total", null)).as("the gateway not called again").isEqualTo(calls);
            assertThat(hops(settled)).filteredOn("order:confirmed"::equals).hasSize(1);
        } finally {
            started.forEach(ServiceProcess::stop);
            env.payments.start();
        }
    }

    @Test
    void withoutTheOperatorsTokenNothingIsListedOrHandled_andBadInputIsRefusedClearly() {
        Api.Reply anonymous = api.deadLetters(env.orders, null, "10");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.text("detail")).contains("Authorization: Bearer");
        assertThat(api.deadLetters(env.orders, "wrong", "10").status()).isEqualTo(403);
        assertThat(api.deadLetters(env.orders, env.operatorToken, "0").status()).isEqualTo(400);
        assertThat(api.deadLetters(env.orders, env.operatorToken, "10").status()).isEqualTo(200);
        assertThat(api.retry(env.orders, "no-such-letter", env.operatorToken).status()).isEqualTo(404);
        assertThat(api.discard(env.payments, "no-such-letter", env.operatorToken, "x").status()).isEqualTo(404);
        assertThat(api.status(env.orders.baseUrl() + "/dead-letters")).as("not on the public API").isEqualTo(404);
    }

    private static String place(String customer, String amount) throws Exception {
        Api.Reply placed = api.placeOrder(customer, new BigDecimal(amount)).get(30, TimeUnit.SECONDS);
        assertThat(placed.status()).isEqualTo(202);
        return placed.text("id");
    }

    private static JsonNode find(ServiceProcess service, String token, String id) {
        for (JsonNode letter : api.deadLetters(service, token, "1000").body()) {
            if (letter.path("id").asText().equals(id)) {
                return api.deadLetter(service, id, token).body();
            }
        }
        throw new AssertionError("no dead letter " + id + " in the list of " + service.managementUrl());
    }

    private static List<String> hops(String order) {
        List<String> names = new ArrayList<>();
        api.chain(order).body().path("hops").forEach(hop -> names.add(hop.path("event").asText()));
        return names;
    }

    /** The sum of a metric's samples on the service (with {@code label}, if not null); 0 when it has none. */
    private static double metric(ServiceProcess service, String name, String label) throws Exception {
        double sum = 0;
        for (String line : api.metrics(service).split("\n")) {
            if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && (label == null || line.contains(label))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** The page in Chromium: the letters read-only, then as the operator, who discards {@code discarded}'s. */
    private static void onThePage(ServiceProcess payments, String token, String order, String discarded) throws Exception {
        assertThat(Files.isExecutable(Path.of("/usr/bin/chromium"))).as("Chromium at /usr/bin/chromium").isTrue();
        if (!Files.isDirectory(BROWSER.resolve("node_modules/playwright-core"))) {
            assertThat(new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(BROWSER.toFile()).inheritIO().start()
                    .waitFor()).isZero();
        }
        Path output = Files.createTempFile("dead-letters-page", ".log");
        Process node = new ProcessBuilder("node", "dead-letters.test.mjs", env.orders.baseUrl(),
                env.orders.managementUrl() + "," + payments.managementUrl(), token, order, discarded)
                .directory(BROWSER.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean ended = node.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            node.destroyForcibly();
        }
        String printed = Files.readString(output);
        System.out.println(printed);
        assertThat(ended && node.exitValue() == 0).as(printed).isTrue();
        assertThat(printed).contains("ok - read-only: the dead letter of the order is in the panel",
                "ok - its row shows the order's chain, with the dead-lettered hop after payment:process",
                "ok - a wrong token is refused and the panel stays read-only",
                "ok - with the operator's token, the services' lists",
                "ok - discard asks why, and the letter is DISCARDED");
    }
}
