package dev.agentdojo.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class CredentialsTest {

    @TempDir
    Path dir;

    @Test
    void aPasswordIsMadeOnceAndKeptForTheNextStart() throws IOException {
        Credentials first = new Credentials(dir, "passwords of a test server; keep private");
        assertThat(first.has("app")).isFalse();
        String password = first.password("app");

        assertThat(password).hasSizeGreaterThanOrEqualTo(24).isEqualTo(first.password("app"));
        assertThat(first.password("other")).isNotEqualTo(password);
        Credentials restarted = new Credentials(dir, "passwords of a test server; keep private");
        assertThat(restarted.has("app")).isTrue();
        assertThat(restarted.password("app")).isEqualTo(password);
        assertThat(restarted.logins()).containsExactly("app", "other");
        Path file = dir.resolve("credentials.properties");
        assertThat(Files.readString(file)).startsWith("#passwords of a test server; keep private");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void privateFilesAreTheOwnersAlone() throws IOException {
        Path env = dir.resolve("app.env");
        Files.writeString(env, "old");
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-r--r--"));
        Credentials.writePrivate(env, "SECRET=1\n");
        assertThat(Files.readString(env)).isEqualTo("SECRET=1\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env))).isEqualTo("rw-------");

        Path log = dir.resolve("server.log");
        Files.writeString(log, "line\n");
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(Credentials.privateLog(log)).isEqualTo(log);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).isEqualTo("rw-------");
        assertThat(Files.readString(log)).isEqualTo("line\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Credentials.privateLog(dir.resolve("new.log")))))
                .isEqualTo("rw-------");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }
}
