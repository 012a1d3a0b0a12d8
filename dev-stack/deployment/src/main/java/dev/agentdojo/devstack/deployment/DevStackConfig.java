package dev.agentdojo.devstack.deployment;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * The {@code agentdojo.dev-stack.*} settings of the dev stack ({@link DevStackProcessor}), acted on
 * in dev mode only (docs/dev-mode.md).
 */
@ConfigMapping(prefix = "agentdojo.dev-stack")
@ConfigRoot(phase = ConfigPhase.BUILD_TIME)
public interface DevStackConfig {

    /**
     * Whether dev mode starts (or finds running) the local broker and PostgreSQL when the service has
     * no login to them; {@code false} starts nothing and uses what is configured.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * Where the servers keep their data: the broker in {@code kafka/}, the database in
     * {@code postgres/}; by default the repository's {@code target}.
     */
    Optional<String> dir();

    /** The local broker's port. */
    @WithDefault("9092")
    int kafkaPort();

    /** The local PostgreSQL's port. */
    @WithDefault("5432")
    int postgresPort();
}
