package dev.agentdojo.e2e;

import dev.agentdojo.kafka.LocalKafka;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code scripts/demo.sh}, run as a user runs it: it shows the chains, and whether it ends by itself
 * ({@code DEMO_ONCE=1}) or by Ctrl-C, it leaves no broker or service behind. Each run has its own
 * free ports and folder, so it never meets the shared environment of the other tests.
 */
class DemoScriptIT {

    private static final Path ROOT = Path.of(System.getProperty("e2e.root", ".."));
    /** A broker, a database and up to four JVMs start and stop; generous, so it holds on a busy machine. */
    private static final Duration RUN_BOUND = Duration.ofMinutes(4);
    private static final Duration STOP_BOUND = Duration.ofSeconds(60);

    @Test
    void demoOnceWithTwoInstancesOfEachServiceAndTracesShowsEveryChainThenStopsEverythingItStartedAndExitsZero() throws Exception {
        try (Demo demo = new Demo(Map.of("DEMO_ONCE", "1", "INSTANCES", "2", "TRACES", "1"))) {
            assertThat(demo.process.waitFor(RUN_BOUND.toSeconds(), TimeUnit.SECONDS)).as("the demo ends by itself").isTrue();
            String output = demo.output();
            assertThat(demo.process.exitValue()).as(output).isZero();
            assertThat(output).contains("CONFIRMED", "PAYMENT_FAILED", "order:created", "payment:process", "Stopped.",
                    "Each order's trace: http://127.0.0.1:" + demo.ports.get(4) + "/zipkin/", "Zipkin stopped");
            assertThat(output.lines().filter(line -> line.startsWith("order ")))
                    .as("with TRACES=1 each order names its trace in Zipkin").hasSize(3)
                    .allMatch(line -> line.matches(".*trace: http://127\\.0\\.0\\.1:" + demo.ports.get(4) + "/zipkin/traces/[0-9a-f]{32}$"));
            demo.assertNothingLeftRunning();
            for (String service : List.of("order-service", "payment-service", "order-service-2", "payment-service-2")) {
                assertThat(Files.readAllLines(demo.dir.resolve(service + ".log")))
                        .as(service + " started, served and stopped without an error or a stack trace")
                        .isNotEmpty().noneMatch(line -> line.contains(" ERROR ") || line.startsWith("\tat ") || line.contains("Exception"));
            }
            assertThat(Files.readString(demo.dir.resolve("order-service-2.log")))
                    .as("the second order-service instance took one of the sample orders").contains("order:created");
        }
    }

    @Test
    void ctrlCStopsEverythingTheDemoStartedWithinSeconds() throws Exception {
        try (Demo demo = new Demo(Map.of())) {
            await().atMost(RUN_BOUND).pollInterval(Duration.ofMillis(500))
                    .failFast("the demo exited early", () -> !demo.process.isAlive())
                    .until(() -> demo.output().contains("Ctrl-C stops everything."));

            demo.pressCtrlC();

            assertThat(demo.process.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS)).as("stopped after Ctrl-C").isTrue();
            assertThat(demo.output()).contains("Stopping...", "Stopped.");
            demo.assertNothingLeftRunning();
        }
    }

    /** One run of the script, on its own ports and folder; closing it ends whatever of it still runs. */
    private static final class Demo implements AutoCloseable {
        final Process process;
        final Path dir;
        final Path output;
        final List<Integer> ports = List.of(LocalKafka.freePort(), LocalKafka.freePort(), LocalKafka.freePort(), LocalKafka.freePort(),
                LocalKafka.freePort());

        Demo(Map<String, String> env) throws IOException {
            dir = Files.createDirectories(Path.of(System.getProperty("e2e.work", "target/e2e"))
                    .resolve("demo-" + System.nanoTime())).toAbsolutePath();
            output = dir.resolve("demo-output.txt");
            ProcessBuilder builder = new ProcessBuilder("bash", "scripts/demo.sh")
                    .directory(ROOT.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            builder.environment().putAll(env);
            builder.environment().putAll(Map.of(
                    "ORDER_PORT", ports.get(0).toString(),
                    "PAYMENT_PORT", ports.get(1).toString(),
                    "KAFKA_PORT", ports.get(2).toString(),
                    "PG_PORT", ports.get(3).toString(),
                    "ZIPKIN_PORT", ports.get(4).toString(),
                    "DEMO_DIR", dir.toString()));
            process = builder.start();
        }

        /**
         * What Ctrl-C in a terminal does: SIGINT to the script. A process started from a background
         * job inherits SIGINT as ignored, and a shell cannot trap an ignored signal; there the test
         * sends SIGTERM, which the demo handles the same way (one trap for both).
         */
        void pressCtrlC() throws IOException, InterruptedException {
            String signal = ignoresSigint(process.pid()) ? "-TERM" : "-INT";
            if (signal.equals("-TERM")) {
                System.out.println("DemoScriptIT: SIGINT is ignored in this test's environment; sending SIGTERM instead");
            }
            new ProcessBuilder("kill", signal, Long.toString(process.pid())).start().waitFor();
        }

        private static boolean ignoresSigint(long pid) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2) != 0; // bit of signal 2
                }
            }
            return false;
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    process.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(this::belongsToThisRun).orElse(false))
                    .forEach(ProcessHandle::destroyForcibly);
        }

        String output() throws IOException {
            return Files.readString(output);
        }

        /** No process of this run is left: no service on its ports, no broker or database on its folder. */
        void assertNothingLeftRunning() {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(this::belongsToThisRun).orElse(false))
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                    .toList()).as("processes of the demo still running").isEmpty());
        }

        private boolean belongsToThisRun(String commandLine) {
            return commandLine.contains(dir.toString())
                    || ports.stream().anyMatch(port -> commandLine.contains("-Dquarkus.http.port=" + port)
                    || commandLine.contains("127.0.0.1:" + port) || commandLine.contains(".port=" + port));
        }
    }
}
