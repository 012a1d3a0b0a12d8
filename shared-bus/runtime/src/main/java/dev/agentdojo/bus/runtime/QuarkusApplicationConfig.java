package dev.agentdojo.bus.runtime;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Quarkus's {@code quarkus.application.*}, as far as the bus reads it: Quarkus owns and documents
 * these keys; this mapping only reads them, so that the bus needs no other way in to configuration.
 */
@ConfigMapping(prefix = "quarkus.application")
public interface QuarkusApplicationConfig {

    /**
     * The application's name (Quarkus defaults it to the Maven artifact): the {@code source} stamped
     * on every event the application emits.
     */
    @WithDefault("application")
    String name();
}
