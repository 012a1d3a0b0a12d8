package dev.agentdojo.service.tracing;

import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.lookup.LookupUnlessProperty;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import zipkin2.reporter.urlconnection.URLConnectionSender;

/**
 * Spans to a Zipkin server's API when {@code tracing.zipkin.endpoint} is set (for instance
 * {@code http://127.0.0.1:9411/api/v2/spans}); otherwise to an OpenTelemetry collector over OTLP,
 * Quarkus's default ({@code quarkus.otel.exporter.otlp.endpoint}). A span exporter of the
 * application replaces Quarkus's OTLP one. Either way only once tracing is on
 * ({@code quarkus.otel.sdk.disabled=false}).
 */
@Singleton
public class ZipkinExport {

    @Produces
    @Singleton
    @LookupUnlessProperty(name = "tracing.zipkin.endpoint", stringValue = "", lookupIfMissing = false)
    SpanExporter zipkin(ZipkinConfig config) {
        return ZipkinSpanExporter.builder().setSender(URLConnectionSender.create(config.endpoint().orElseThrow())).build();
    }
}
