package dev.agentdojo.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scripts/kafka-access.sh} (compose's {@code kafka-setup}) with stand-ins for the Kafka tools
 * that record how they were called: no password is ever an argument of a command (anyone on the
 * machine reads every process's arguments in {@code /proc/PID/cmdline}, {@code ps -ef}); each
 * principal's SCRAM password reaches {@code kafka-configs.sh} in a file readable by its owner alone,
 * removed when the script ends, that Kafka's tool reads back to the very password (a Java properties
 * file: ISO-8859-1, escapes). KafkaAccessScriptIT runs the same script with the real tools on a
 * broker. The rights it grants are access.properties' own, a transactional id's among them.
 */
class KafkaAccessScriptTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("..").normalize();
    private static final Path ACCESS = ROOT.resolve("kafka-broker/src/main/resources/dev/agentdojo/kafka/access.properties");

    /** One call of a stand-in tool: its name, its arguments, and which call it was (from 1). */
    record Call(String tool, List<String> args, int number) {
        String after(String option) {
            int i = args.indexOf(option);
            return i < 0 || i + 1 >= args.size() ? null : args.get(i + 1);
        }
    }

    @TempDir
    Path work;

    @Test
    void noPasswordIsACommandLineArgumentAndEachReachesKafkaConfigsInAPrivateFile() throws Exception {
        // what a password may hold: quotes, backslashes, brackets, commas, '=', '#', '$', spaces (a trailing one too)
        Map<String, String> passwords = new LinkedHashMap<>();
        passwords.put("order-service", "orders \\ \"quoted\" 'single' ]x[, a=b #c $HOME");
        // beyond ASCII when this JVM hands its child UTF-8 environment variables (escaped as \\uXXXX in the file)
        passwords.put("payment-service", utf8Environment() ? "zahlungen-ü-€-\uD834\uDD1E" : "payments-!:~^`");
        passwords.put("observer", "observer\\\\n\\u0041 ");
        String adminPassword = "admin-secret-on-the-command-line?";

        List<Call> calls = run(passwords, adminPassword);

        List<String> secrets = new ArrayList<>(passwords.values());
        secrets.add(adminPassword);
        for (Call call : calls) {
            for (String arg : call.args()) {
                for (String secret : secrets) {
                    assertThat(arg).as(call.tool() + " " + String.join(" ", call.args())).doesNotContain(secret.strip());
                }
            }
        }
        List<Call> configs = calls.stream().filter(c -> c.tool().equals("kafka-configs.sh")).toList();
        assertThat(configs).extracting(c -> c.after("--entity-name")).containsExactlyElementsOf(passwords.keySet());
        for (Call call : configs) {
            String principal = call.after("--entity-name");
            assertThat(call.args()).as("the SCRAM password is not an argument").doesNotContain("--add-config");
            Path file = Path.of(call.after("--add-config-file"));
            Path copy = work.resolve("copies").resolve(call.number() + "-" + file.getFileName());
            assertThat(Files.readString(copy.resolveSibling(copy.getFileName() + ".mode")).strip())
                    .as("the file with " + principal + "'s password is its owner's alone").isEqualTo("600");
            Properties config = new Properties();
            try (InputStream in = Files.newInputStream(copy)) {
                config.load(in); // as Kafka's tool reads it (Utils.loadProps)
            }
            assertThat(config.stringPropertyNames()).containsExactly("SCRAM-SHA-512");
            assertThat(config.getProperty("SCRAM-SHA-512")).isEqualTo("iterations=8192,password=" + passwords.get(principal));
            assertThat(file).as("removed when the script ends").doesNotExist();
        }
    }

    @Test
    void eachServiceMayUseItsOutboxRelaysTransactionalIdAndTheObserverNone() throws Exception {
        List<Call> calls = run(Map.of("order-service", "o", "payment-service", "p", "observer", "r"), "a");

        List<Call> transactional = calls.stream().filter(c -> c.tool().equals("kafka-acls.sh") && c.args().contains("--transactional-id")).toList();
        assertThat(transactional).extracting(c -> c.after("--allow-principal") + " " + c.after("--transactional-id"))
                .containsExactlyInAnyOrder("User:order-service order-service-outbox-relay", "User:payment-service payment-service-outbox-relay");
        for (Call call : transactional) {
            assertThat(call.args()).containsSubsequence("--operation", "Write", "--operation", "Describe").contains("--add");
        }
        // the three parts of a line before (the observer's still has three) still grant what they did
        assertThat(calls).filteredOn(c -> c.tool().equals("kafka-acls.sh") && "User:observer".equals(c.after("--allow-principal")))
                .extracting(c -> String.join(" ", c.args().subList(c.args().indexOf("--operation"), c.args().size())))
                .containsExactly("--operation Read --operation Describe --topic *");
        assertThat(calls).filteredOn(c -> c.tool().equals("kafka-acls.sh") && "order-service".equals(c.after("--group"))).hasSize(1);
    }

    @Test
    void aLineOfAnotherShapeIsRefused() throws Exception {
        Path access = Files.writeString(work.resolve("access.properties"), "order-service = agent-dojo.orders | agent-dojo.orders\n");
        Process process = script(Map.of("order-service", "o"), "a", access).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("expected 'principal = writes | reads | group [| transactional ids]'");
    }

    private static boolean utf8Environment() {
        return Charset.forName(System.getProperty("sun.jnu.encoding", "US-ASCII")).equals(StandardCharsets.UTF_8);
    }

    /** Runs the script on access.properties with the stand-in tools; returns their calls, in order. */
    private List<Call> run(Map<String, String> passwords, String adminPassword) throws IOException, InterruptedException {
        Path output = work.resolve("output.txt");
        Process process = script(passwords, adminPassword, ACCESS).redirectOutput(output.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(output)).isZero();
        assertThat(Files.readString(output)).contains("access granted");

        List<Call> calls = new ArrayList<>();
        List<String> lines = Files.readAllLines(work.resolve("calls.txt"));
        for (int i = 0; i < lines.size(); i++) {
            String tool = lines.get(i).substring("<<< ".length());
            List<String> args = new ArrayList<>();
            for (i++; !lines.get(i).equals(">>>"); i++) {
                args.add(lines.get(i));
            }
            calls.add(new Call(tool, args, calls.size() + 1));
        }
        return calls;
    }

    /** The script, to run with stand-ins for the Kafka tools, the given passwords and access file. */
    private ProcessBuilder script(Map<String, String> passwords, String adminPassword, Path access) throws IOException {
        Path bin = Files.createDirectories(work.resolve("bin"));
        Files.createDirectories(work.resolve("copies"));
        Path log = work.resolve("calls.txt");
        // each call: its name and arguments, one a line, between marks; a copy of every file named
        // after --add-config-file or --command-config, and that file's mode, as the script removes
        // them (copies/CALL-NAME, CALL counting the calls from 1)
        String stub = """
                #!/usr/bin/env bash
                { echo "<<< ${0##*/}"; printf '%s\\n' "$@"; echo '>>>'; } >> "$STUB_LOG"
                call="$(grep -c '^<<< ' "$STUB_LOG")"
                previous=""
                for arg in "$@"; do
                  if [[ "$previous" == --add-config-file || "$previous" == --command-config ]]; then
                    cp "$arg" "$STUB_COPIES/$call-${arg##*/}"
                    stat -c %a "$arg" > "$STUB_COPIES/$call-${arg##*/}.mode"
                  fi
                  previous="$arg"
                done
                """;
        for (String tool : List.of("kafka-configs.sh", "kafka-topics.sh", "kafka-acls.sh")) {
            Path script = bin.resolve(tool);
            Files.writeString(script, stub);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        }
        ProcessBuilder script = new ProcessBuilder("bash", ROOT.resolve("scripts/kafka-access.sh").toString()).redirectErrorStream(true);
        Map<String, String> env = script.environment();
        env.put("KAFKA_BIN", bin.toString());
        env.put("ACCESS", access.toString());
        env.put("KAFKA_BOOTSTRAP", "127.0.0.1:1");
        env.put("KAFKA_ADMIN_PASSWORD", adminPassword);
        passwords.forEach((principal, password) -> env.put("KAFKA_PASSWORD_" + principal.toUpperCase().replace('-', '_'), password));
        env.put("STUB_LOG", log.toString());
        env.put("STUB_COPIES", work.resolve("copies").toString());
        return script;
    }
}
