package dev.agentdojo.service.rest;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/**
 * Quarkus's {@code quarkus.http.limits.*}, as far as the services read it (see {@link BodySizeLimit}):
 * Quarkus owns and documents these keys; this mapping only reads them.
 */
@ConfigMapping(prefix = "quarkus.http.limits")
public interface HttpLimitsConfig {

    /** The largest request body; a request that declares a larger one is refused with 413 as problem+json. */
    Optional<MemorySize> maxBodySize();
}
