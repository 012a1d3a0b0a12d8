package dev.agentdojo.e2e;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every file the local broker and PostgreSQL write with a password in it — their credentials, the
 * broker's configuration, each login's client and {@code .env} files — is readable by its owner
 * only ({@code rw-------}). They are made so from the start (written to a new private file, then
 * moved in place), which a test of the end result cannot tell apart; {@code Credentials.writePrivate}
 * is the one place that writes them.
 */
class SecretFilesIT extends EndToEndTest {

    @Test
    void filesWithPasswordsAreReadableByTheirOwnerOnly() throws IOException {
        List<Path> secrets;
        try (Stream<Path> kafka = Files.list(env.work.resolve("kafka")); Stream<Path> postgres = Files.list(env.work.resolve("postgres"))) {
            secrets = Stream.concat(
                    kafka.filter(f -> f.toString().endsWith(".properties") || f.toString().endsWith(".env")),
                    postgres.filter(f -> f.toString().endsWith(".env") || f.getFileName().toString().equals("credentials.properties")))
                    .toList();
        }
        assertThat(secrets).extracting(f -> f.getFileName().toString())
                .contains("credentials.properties", "order-service.env", "payment-service.properties", "orders.env", "payments.env");
        for (Path secret : secrets) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).as(secret.toString()).isEqualTo("rw-------");
        }
        try (Stream<Path> leftovers = Stream.concat(Files.list(env.work.resolve("kafka")), Files.list(env.work.resolve("postgres")))) {
            assertThat(leftovers).as("no temporary file left behind").noneMatch(f -> f.getFileName().toString().endsWith(".tmp"));
        }
    }
}
