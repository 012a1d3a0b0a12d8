package dev.agentdojo.service.tracing;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** The {@code tracing.zipkin.*} settings: where spans go when they go to Zipkin (see {@link ZipkinExport}). */
@ConfigMapping(prefix = "tracing.zipkin")
public interface ZipkinConfig {

    /**
     * A Zipkin server's span API ({@code http://HOST:9411/api/v2/spans}): spans go there once tracing
     * is on ({@code quarkus.otel.sdk.disabled=false}). Unset or empty, they go over OTLP to
     * {@code quarkus.otel.exporter.otlp.endpoint}. The services set it from {@code ZIPKIN_ENDPOINT}.
     */
    Optional<String> endpoint();
}
