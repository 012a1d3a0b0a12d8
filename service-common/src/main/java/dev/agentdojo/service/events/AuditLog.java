package dev.agentdojo.service.events;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.OnEvent;
import dev.agentdojo.bus.bridge.EventTraces;
import dev.agentdojo.service.lifecycle.Stopping;
import io.opentelemetry.api.trace.SpanContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Logs every event this service emits or receives on one line — service, event, chain (the
 * correlation id, one per order), the event's id and its cause — so that the logs of both services
 * read as one chain when merged or grepped for a chain id; with tracing on, also the trace it belongs to
 * ({@code trace=}, the same id in both services' lines) and its span ({@code span=}: the request or
 * the handling of a received event). Logs ids only, never args (they may hold
 * customer data). Category {@code dev.agentdojo.audit}, level INFO.
 *
 * <p>Also the service's {@code error} listener: a failed listener is logged at ERROR with its stack
 * trace and the id of the event it failed on, and no emit fails because of it; one cut short by the
 * application stopping (its database closed under it, see {@link Stopping}) only at DEBUG.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger("dev.agentdojo.audit");

    private final String here;
    private final EventTraces traces;
    private final Stopping stopping;

    AuditLog(EventBus bus, EventTraces traces, Stopping stopping) {
        this.here = bus.source();
        this.traces = traces;
        this.stopping = stopping;
    }

    @OnEvent(EventBus.ALL)
    void log(Event e) {
        if (LOG.isInfoEnabled()) {
            SpanContext span = traces.spanOf(e);
            LOG.infof("[%s] %-16s from=%s chain=%s id=%s cause=%s%s", here, e.name(), e.source(), e.correlationId(),
                    e.id(), e.causationId() == null ? "-" : e.causationId(),
                    span.isValid() ? " trace=" + span.getTraceId() + " span=" + span.getSpanId() : "");
        }
    }

    @OnEvent(EventBus.ERROR)
    void failed(Event e) {
        Throwable failure = e.arg(0, Throwable.class);
        if (stopping.now()) { // made good after the next start (see Stopping)
            LOG.debugf("[%s] a listener of event %s was cut short by the application stopping", here, e.arg(1, Event.class).id());
            return;
        }
        LOG.errorf(failure, "[%s] a listener of event %s failed", here, e.arg(1, Event.class).id());
    }
}
