package dev.agentdojo.service.events;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.LoggedEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;

/**
 * An event as the REST API shows it. Args that are exceptions (those of {@code error} events)
 * are shown as their message, never as a stack trace.
 *
 * @param instance the instance of {@code source} that emitted it; null when unknown
 */
@RegisterForReflection
public record EventView(String id, String name, List<Object> args, Instant timestamp, String source, String instance,
                        String correlationId, String causationId) {

    public static EventView of(LoggedEvent logged) {
        Event e = logged.event();
        List<Object> args = e.args().stream().anyMatch(a -> a instanceof Throwable || a instanceof Event)
                ? e.args().stream().map(EventView::safe).toList()
                : e.args();
        return new EventView(e.id(), e.name(), args, e.timestamp(), e.source(), logged.instance(), e.correlationId(),
                e.causationId());
    }

    /**
     * About how many bytes this event takes as JSON (its strings and its args' text, and the field
     * names): what a stream client's buffer is bounded by, without writing the JSON twice.
     */
    public int estimatedBytes() {
        int bytes = 160; // field names, quotes, the timestamp
        for (String s : new String[] {id, name, source, instance, correlationId, causationId}) {
            bytes += s == null ? 4 : s.length();
        }
        for (Object arg : args) {
            bytes += 4 + String.valueOf(arg).length();
        }
        return bytes;
    }

    private static Object safe(Object arg) {
        if (arg instanceof Throwable t) {
            return t.getClass().getSimpleName() + ": " + t.getMessage();
        }
        if (arg instanceof Event e) {
            return "event " + e.id() + " (" + e.name() + ")";
        }
        return arg;
    }
}
