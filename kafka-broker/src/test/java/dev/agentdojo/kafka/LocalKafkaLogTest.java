package dev.agentdojo.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The logs a local broker writes beside its storage ({@code broker.log}, {@code format.log}) are
 * readable by their owner alone, as its password files are: a log may show a login. They are made
 * so when they are created; one left readable by others (by an older version) is made private
 * before the broker writes to it again.
 */
class LocalKafkaLogTest {

    @TempDir
    Path dir;

    @Test
    void theBrokersLogsAreTheOwnersAloneFromTheirCreation() throws Exception {
        LocalKafka kafka = LocalKafka.start(dir, LocalKafka.freePort());
        try {
            for (String log : new String[] {"broker.log", "format.log"}) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(log)))).as(log).isEqualTo("rw-------");
            }
            assertThat(Files.size(dir.resolve("broker.log"))).as("the broker wrote to it").isPositive();

            kafka.stop();
            Files.setPosixFilePermissions(dir.resolve("broker.log"), PosixFilePermissions.fromString("rw-r--r--"));
            kafka.restart();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("broker.log"))))
                    .as("a log left readable by others is made private before the broker writes to it").isEqualTo("rw-------");
        } finally {
            kafka.stop();
        }
    }
}
