package dev.agentdojo.bus.extension;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Dev UI pages are ES modules that only a browser in dev mode runs: each must at least parse,
 * and define the element its page names. Parsed by {@code node --check}; skipped, saying why, where
 * there is no node, and required with {@code -Dbrowser.required=true} (as {@code .ci/run} runs).
 */
class DevUiScriptsTest {

    private static final Path SCRIPTS = Path.of("src/main/resources/dev-ui");

    @Test
    void eachPageScriptParsesAndDefinesItsElement() throws Exception {
        assumeTrue(Boolean.getBoolean("browser.required") || nodeWorks(), "no node to parse the Dev UI scripts with");
        List<Path> scripts;
        try (Stream<Path> files = Files.list(SCRIPTS)) {
            scripts = files.filter(f -> f.toString().endsWith(".js")).sorted().toList();
        }
        assertThat(scripts).extracting(f -> f.getFileName().toString())
                .containsExactly("qwc-agent-dojo-events-listeners.js", "qwc-agent-dojo-events-log.js");
        for (Path script : scripts) {
            String element = script.getFileName().toString().replace(".js", "");
            assertThat(Files.readString(script)).contains("customElements.define('" + element + "'");
            Path module = Files.createTempFile(element, ".mjs");
            Files.copy(script, module, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Process node = new ProcessBuilder("node", "--check", module.toString()).redirectErrorStream(true).start();
            assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.exitValue()).as(script + ": " + output).isZero();
        }
    }

    private static boolean nodeWorks() {
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            return node.waitFor(30, TimeUnit.SECONDS) && node.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
