package dev.agentdojo.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's log, {@code DIR/postgres.log}, is readable by its owner alone: PostgreSQL writes a
 * failed statement into it, and a failed {@code alter role … password '…'} holds a password. It is
 * made so when it is created; one left readable by others (by an older version) is made private
 * before the server writes to it again.
 */
class LocalPostgresLogTest {

    @TempDir
    Path dir;

    @Test
    void theServerLogIsTheOwnersAloneFromItsCreation() throws Exception {
        LocalPostgres pg = LocalPostgres.start(dir, LocalPostgres.freePort());
        Path log = dir.resolve("postgres.log");
        try {
            assertThat(Files.size(log)).as("the server wrote to it").isPositive();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).isEqualTo("rw-------");

            pg.stop();
            Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r--r--"));
            pg.restart();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log)))
                    .as("a log left readable by others is made private before the server writes to it").isEqualTo("rw-------");
        } finally {
            pg.stop();
        }
    }
}
