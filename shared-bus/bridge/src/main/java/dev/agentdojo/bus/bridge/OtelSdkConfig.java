package dev.agentdojo.bus.bridge;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/**
 * Quarkus's {@code quarkus.otel.sdk.*}, as far as the bridge reads it (see {@link EventTraces}):
 * Quarkus owns and documents the key; this mapping only reads it.
 */
@ConfigMapping(prefix = "quarkus.otel.sdk")
public interface OtelSdkConfig {

    /**
     * Whether the OpenTelemetry SDK is off: then the bridge makes no span and writes no
     * {@code traceparent} (a received one is passed on to the events it causes). Unset, it is on,
     * as in Quarkus. (No default here: a default would be a value of the key, which Quarkus warns
     * about in an application without its OpenTelemetry extension.)
     */
    Optional<Boolean> disabled();
}
