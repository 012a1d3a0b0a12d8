package dev.agentdojo.postgres;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real PostgreSQL for a {@code @QuarkusTest}, no Docker: a {@link LocalPostgres} on a free port,
 * its data in a new directory under {@code target/}, with one database (init arg {@code database},
 * default {@code app}) that {@code quarkus.datasource.jdbc.url} points at, used as its owner role (no
 * superuser), as a service runs. Stopped after the tests.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private LocalPostgres postgres;
    private String database = "app";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        try {
            Path target = Files.createDirectories(Path.of("target"));
            postgres = LocalPostgres.start(Files.createTempDirectory(target, "postgres-"), LocalPostgres.freePort(), database);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("quarkus.datasource.jdbc.url", postgres.jdbcUrl(database),
                "quarkus.datasource.username", database,
                "quarkus.datasource.password", postgres.password(database));
    }

    /** The server of the running tests (to set up or inspect as the superuser), or null. */
    public LocalPostgres server() {
        return postgres;
    }

    @Override
    public void stop() {
        if (postgres != null) {
            postgres.stop();
        }
    }
}
