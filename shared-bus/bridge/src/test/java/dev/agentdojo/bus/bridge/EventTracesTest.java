package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.Event;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** How a chain's trace context travels with its events: into the outbox, onto the record, into the receiver's span. */
class EventTracesTest {

    private final List<SpanData> exported = new CopyOnWriteArrayList<>();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new SpanExporter() {
                @Override
                public CompletableResultCode export(Collection<SpanData> spans) {
                    exported.addAll(spans);
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode flush() {
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode shutdown() {
                    return CompletableResultCode.ofSuccess();
                }
            }))
            .build();
    private final OpenTelemetry sdk = OpenTelemetrySdk.builder().setTracerProvider(provider).build();

    @AfterEach
    void close() {
        provider.close();
    }

    private static Event event(String name, String causationId) {
        String id = UUID.randomUUID().toString();
        return new Event(id, name, List.of("o-1"), Instant.now(), "order-service", causationId == null ? id : causationId, causationId);
    }

    @Test
    void anEventEmittedInARequestBelongsToTheRequestsSpan() {
        EventTraces traces = new EventTraces(sdk);
        Span request = sdk.getTracer("test").spanBuilder("POST /orders").setSpanKind(SpanKind.SERVER).startSpan();
        try (Scope ignored = request.makeCurrent()) {
            Event created = event("order:created", null);
            assertThat(traces.traceparent(created))
                    .isEqualTo("00-" + request.getSpanContext().getTraceId() + "-" + request.getSpanContext().getSpanId() + "-01");
            assertThat(traces.traceId(created)).isEqualTo(request.getSpanContext().getTraceId());
        } finally {
            request.end();
        }
        assertThat(traces.traceparent(event("order:created", null))).as("no span current: none").isNull();
    }

    @Test
    void aReceivedEventIsHandledInAConsumerSpanThatContinuesTheSendAndParentsWhatItCauses() {
        EventTraces sender = new EventTraces(sdk);
        Span request = sdk.getTracer("test").spanBuilder("POST /orders").startSpan();
        Map<String, String> headers = new HashMap<>(Map.of(EventBridge.EVENT_ID_HEADER, "e-1"));
        try (Scope ignored = request.makeCurrent()) {
            headers.put(EventTraces.TRACEPARENT, sender.traceparent(event("payment:process", null)));
        }
        Span send = sender.startPublish("agent-dojo.orders", headers);
        send.end();
        request.end();
        assertThat(headers.get(EventTraces.TRACEPARENT)).as("the record names the send").contains(send.getSpanContext().getSpanId());

        EventTraces receiver = new EventTraces(sdk);
        Event requested = event("payment:process", null);
        EventTraces.Handling handling = receiver.startHandling("agent-dojo.orders", requested, headers);
        Event confirmed = event("order:confirmed", requested.id());
        String caused = receiver.traceparent(confirmed);
        handling.end(null);

        SpanData consumer = exported.stream().filter(s -> s.getKind() == SpanKind.CONSUMER).findFirst().orElseThrow();
        SpanData producer = exported.stream().filter(s -> s.getKind() == SpanKind.PRODUCER).findFirst().orElseThrow();
        assertThat(producer.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(consumer.getParentSpanId()).isEqualTo(producer.getSpanId());
        assertThat(consumer.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
        assertThat(consumer.getName()).isEqualTo("agent-dojo.orders process");
        assertThat(caused).as("what the handling emits belongs to the consumer span")
                .isEqualTo("00-" + consumer.getTraceId() + "-" + consumer.getSpanId() + "-01");
        assertThat(receiver.traceparent(confirmed)).as("once handled, the cause's span is forgotten").isNull();
    }

    @Test
    void aDisabledSdkMakesNoSpanButAReceivedContextIsPassedOn() {
        EventTraces off = new EventTraces(EventTraces.effective(sdk, true));
        assertThat(EventTraces.effective(null, false)).isSameAs(OpenTelemetry.noop());
        Span request = sdk.getTracer("test").spanBuilder("POST /orders").startSpan();
        String traceparent;
        try (Scope ignored = request.makeCurrent()) {
            traceparent = new EventTraces(sdk).traceparent(event("payment:process", null));
        }
        request.end();
        exported.clear();

        Event requested = event("payment:process", null);
        EventTraces.Handling handling = off.startHandling("agent-dojo.orders", requested, Map.of(EventTraces.TRACEPARENT, traceparent));
        assertThat(off.traceparent(event("order:confirmed", requested.id()))).as("the sender's context, passed on").isEqualTo(traceparent);
        handling.end(null);
        Map<String, String> headers = new HashMap<>(Map.of(EventTraces.TRACEPARENT, traceparent));
        off.startPublish("agent-dojo.payments", headers).end();
        assertThat(exported).as("no span made with the SDK disabled").isEmpty();
        assertThat(off.traceparent(event("order:created", null))).as("nothing to pass on: none").isNull();
    }
}
