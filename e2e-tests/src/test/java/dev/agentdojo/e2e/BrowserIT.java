package dev.agentdojo.e2e;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The page at order-service's {@code /} in headless Chromium (Debian's package, driven by
 * playwright-core from npm) against the real services and broker: {@code src/test/browser/page.test.mjs}
 * places orders through the form and checks what a person would see. Keeps a screenshot of a
 * completed chain in {@code target/e2e/page.png}.
 *
 * <p>Needs {@code /usr/bin/chromium} and {@code node}; {@code .ci/run} installs Chromium and runs
 * with {@code -Dbrowser.required=true}, so CI fails without them, while a developer machine
 * without a browser reports this test as skipped, saying why.
 */
class BrowserIT {

    private static final Path SCRIPTS = Path.of(System.getProperty("e2e.root", "..")).resolve("e2e-tests/src/test/browser");
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    private static Environment env;

    @BeforeAll
    static void up() throws Exception {
        boolean required = Boolean.getBoolean("browser.required");
        boolean available = Files.isExecutable(CHROMIUM) && run(List.of("node", "--version"), 30) == 0;
        assumeTrue(required || available, "no Chromium at " + CHROMIUM + " or no node: apt-get install chromium nodejs npm");
        assertThat(Files.isExecutable(CHROMIUM)).as("Chromium at " + CHROMIUM).isTrue();
        if (!Files.isDirectory(SCRIPTS.resolve("node_modules/playwright-core"))) {
            assertThat(run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300)).as("npm ci in " + SCRIPTS).isZero();
        }
        env = Environment.get();
    }

    @Test
    void aPersonPlacesOrdersOnThePageAndWatchesTheirChains() throws Exception {
        Path screenshot = Path.of(System.getProperty("e2e.work", "target/e2e")).resolve("page.png").toAbsolutePath();
        Path output = Files.createTempFile("browser", ".log");

        int exit = run(List.of("node", "page.test.mjs", env.orders.baseUrl(), screenshot.toString()), 180, output);

        String printed = Files.readString(output);
        System.out.println(printed);
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains(
                "ok - the page connects to the live event stream",
                "turns CONFIRMED in the orders table",
                "ok - its three events arrive in the live log",
                "ok - its chain shows the three hops with their services and latency",
                "ok - an invalid amount shows \"must be more than 0\" next to the amount field",
                "ok - an order above the payment limit turns PAYMENT_FAILED",
                "ok - a <script> customer is shown as text, not run",
                "ok - filtering by event name shows only those events",
                "ok - pause stops the live log while orders still update; resume restarts it",
                "ok - when the stream drops, the page shows it is reconnecting",
                "ok - after reconnecting, a new order still turns CONFIRMED live",
                "ok - an approved order shows its payment id",
                "ok - a declined order shows why",
                "ok - a double click places one order (the button is disabled while it is sent, with an Idempotency-Key)",
                "ok - a network error is shown, and the order can be placed again",
                "ok - the retry of the same submission sends the same key: one order",
                "ok - a new submission gets a new key",
                "ok - the chain links to its trace when there is one, and shows no link when there is none");
        assertThat(screenshot).exists();
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    private static int run(List<String> command, int seconds) throws IOException, InterruptedException {
        return run(command, seconds, Files.createTempFile("run", ".log"));
    }

    private static int run(List<String> command, int seconds, Path output) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(SCRIPTS.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
        } catch (IOException notInstalled) {
            return -1;
        }
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -2;
        }
        return process.exitValue();
    }
}
