package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.Event;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One OpenTelemetry trace per chain, across services. The trace context travels with the events,
 * not with threads: a W3C {@code traceparent} goes with each event into the outbox (a column) and
 * onto its record (a header); the service that receives it handles it in a consumer span that
 * continues that trace, and every event its listeners emit — an event whose cause is being handled
 * here — belongs to that span. An event without such a cause (emitted by an HTTP request, say)
 * belongs to the span current where it is emitted.
 *
 * <p>Without an OpenTelemetry SDK, or with it disabled ({@code quarkus.otel.sdk.disabled}), no span
 * is made and no {@code traceparent} written (a record that comes with one passes it on to the
 * events it causes): tracing then costs a map lookup per event.
 */
@ApplicationScoped
public class EventTraces {

    /** The record header (and outbox column) with the W3C trace context of the span that sent an event. */
    public static final String TRACEPARENT = "traceparent";

    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    private static final AttributeKey<String> EVENT_NAME = AttributeKey.stringKey("agentdojo.event.name");
    private static final AttributeKey<String> CHAIN = AttributeKey.stringKey("agentdojo.event.chain");

    private static final TextMapGetter<Map<String, String>> FROM_MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };
    private static final TextMapSetter<Map<String, String>> TO_MAP = (carrier, key, value) -> carrier.put(key, value);

    private final Tracer tracer;
    /** The span handling each event being handled here (by its id): the parent of what its listeners emit. */
    private final Map<String, Context> handling = new ConcurrentHashMap<>();

    /**
     * The application's OpenTelemetry, unless it has none or its SDK is disabled: a disabled SDK
     * still makes (and drops) a span for each {@code startSpan}, so here it is replaced by the
     * no-op API, which makes none.
     */
    @Inject
    EventTraces(Instance<OpenTelemetry> openTelemetry, OtelSdkConfig sdk) {
        this(effective(openTelemetry.isResolvable() ? openTelemetry.get() : null, sdk.disabled().orElse(false)));
    }

    /** What spans are made with: the application's OpenTelemetry, or the no-op API when it has none or its SDK is disabled. */
    static OpenTelemetry effective(OpenTelemetry application, boolean sdkDisabled) {
        return application == null || sdkDisabled ? OpenTelemetry.noop() : application;
    }

    public EventTraces(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.agentdojo.bus.bridge");
    }

    /**
     * The trace context of an event: a received one's own span while it is handled here; for one
     * emitted here, its cause's span while the cause is handled here, else the span current where
     * it is emitted.
     */
    public Context contextOf(Event event) {
        Context handled = handling.get(event.id());
        if (handled == null && event.causationId() != null) {
            handled = handling.get(event.causationId());
        }
        return handled != null ? handled : Context.current();
    }

    /** The W3C {@code traceparent} of {@link #contextOf}; null when there is no valid span (tracing off). */
    public String traceparent(Event event) {
        return traceparent(contextOf(event));
    }

    /** The trace id an event belongs to, or null: for log lines and the API. */
    public String traceId(Event event) {
        SpanContext span = spanOf(event);
        return span.isValid() ? span.getTraceId() : null;
    }

    /** The span an event belongs to ({@link #contextOf}); invalid when tracing is off. */
    public SpanContext spanOf(Event event) {
        return Span.fromContext(contextOf(event)).getSpanContext();
    }

    static String traceparent(Context context) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>(2);
        W3CTraceContextPropagator.getInstance().inject(context, carrier, TO_MAP);
        return carrier.get(TRACEPARENT);
    }

    /** The context a record's {@code traceparent} names; the root context when it has none. */
    static Context parentOf(Map<String, String> headers) {
        if (headers == null || !headers.containsKey(TRACEPARENT)) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, FROM_MAP);
    }

    /**
     * A producer span for sending a record of {@code topic}, child of the record's {@code traceparent}
     * (from the outbox), or none when the record has none. The headers get the new span's
     * {@code traceparent}, so the receiving service continues from the send.
     */
    public Span startPublish(String topic, Map<String, String> headers) {
        if (!headers.containsKey(TRACEPARENT)) {
            return Span.getInvalid();
        }
        Span span = messaging(topic + " publish", SpanKind.PRODUCER, topic, "publish", parentOf(headers), headers.get(EventBridge.EVENT_ID_HEADER))
                .startSpan();
        if (span.getSpanContext().isValid()) {
            W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), headers, TO_MAP);
        }
        return span;
    }

    /**
     * A consumer span for handling a received {@code event}, child of the sender's span; while it
     * runs, the events the handling emits belong to it. {@link Handling#end} ends it.
     */
    Handling startHandling(String topic, Event event, Map<String, String> headers) {
        Span span = messaging(topic == null ? event.name() + " process" : topic + " process", SpanKind.CONSUMER, topic, "process",
                parentOf(headers), event.id())
                .setAttribute(EVENT_NAME, event.name())
                .setAttribute(CHAIN, event.correlationId())
                .startSpan();
        if (!span.getSpanContext().isValid()) {
            return Handling.NONE;
        }
        handling.put(event.id(), Context.root().with(span));
        return new Handling(this, event.id(), span);
    }

    /** A span for work done for {@code event} (a call to a payment provider, say), child of its context. */
    public Span startWork(String name, Event event) {
        return tracer.spanBuilder(name).setParent(contextOf(event)).setSpanKind(SpanKind.INTERNAL)
                .setAttribute(EVENT_NAME, event.name())
                .setAttribute(CHAIN, event.correlationId())
                .startSpan();
    }

    private SpanBuilder messaging(String name, SpanKind kind, String topic, String operation, Context parent, String messageId) {
        SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(kind).setParent(parent)
                .setAttribute(SYSTEM, "kafka").setAttribute(OPERATION, operation);
        if (topic != null) {
            builder.setAttribute(DESTINATION, topic);
        }
        if (messageId != null) {
            builder.setAttribute(MESSAGE_ID, messageId);
        }
        return builder;
    }

    /** A received event's span, ended once its listeners completed or it was set aside. */
    record Handling(EventTraces traces, String eventId, Span span) {

        static final Handling NONE = new Handling(null, null, Span.getInvalid());

        void end(Throwable failure) {
            if (traces == null) {
                return;
            }
            traces.handling.remove(eventId);
            if (failure != null) {
                span.recordException(failure);
                span.setStatus(StatusCode.ERROR, failure.toString());
            }
            span.end();
        }
    }
}
