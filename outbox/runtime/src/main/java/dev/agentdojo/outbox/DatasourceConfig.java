package dev.agentdojo.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.util.Optional;

/**
 * Quarkus's {@code quarkus.datasource.*}, as far as the outbox relay reads it: the relay opens its own
 * connections (the leader's lock, Debezium's replication) to the service's database, logged in as
 * the pool is. Quarkus owns and documents these keys; this mapping only reads them.
 */
@ConfigMapping(prefix = "quarkus.datasource")
public interface DatasourceConfig {

    /** The service's database ({@code jdbc:postgresql://HOST:PORT/DATABASE}); its replication slot is named after it. */
    @WithName("jdbc.url")
    String jdbcUrl();

    /** The role the service logs in as. */
    @WithDefault("postgres")
    String username();

    /** Its password (none when unset). */
    Optional<String> password();
}
