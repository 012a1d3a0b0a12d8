package dev.agentdojo.bus;

import dev.agentdojo.bus.impl.Json;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One event as the bus delivered it: immutable, safe to share between threads and to keep.
 *
 * <pre>{@code
 * bus.on("user:login", e -> log.infof("%s logged in at %s", e.arg(0), e.arg(1, Instant.class)));
 * }</pre>
 *
 * @param id            unique id (a time-ordered UUID), the same in every service the event reaches
 * @param name          the event's name, such as {@code order:created}
 * @param args          the arguments given to {@code emit}, in order; unmodifiable, may hold {@code null}s
 * @param timestamp     when it was emitted
 * @param source        the service (application name) that emitted it
 * @param correlationId the id of the first event of the chain this one belongs to (its own id for a root event)
 * @param causationId   the id of the event whose listener emitted this one, or {@code null} for a root event
 */
public record Event(String id, String name, List<Object> args, Instant timestamp, String source,
                    String correlationId, String causationId) {

    public Event {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(correlationId, "correlationId");
    }

    /**
     * The argument at {@code index}, as given to {@code emit} (or as decoded from JSON when the
     * event came from another service: maps, lists, strings, numbers, booleans).
     *
     * @throws IndexOutOfBoundsException if the event has no such argument
     */
    public Object arg(int index) {
        if (index < 0 || index >= args.size()) {
            throw new IndexOutOfBoundsException(
                    "event '" + name + "' has " + args.size() + " arg(s); there is no arg " + index);
        }
        return args.get(index);
    }

    /**
     * The argument at {@code index} as a {@code type}. An argument that already is one is returned
     * as it is; any other is converted with Jackson, so a record, an {@code Instant} or a
     * {@code BigDecimal} reads the same whether the event was emitted here or crossed from another
     * service as JSON.
     *
     * <pre>{@code
     * Order order = e.arg(0, Order.class);
     * }</pre>
     *
     * @throws IndexOutOfBoundsException if the event has no such argument
     * @throws IllegalArgumentException  if the argument cannot be converted to {@code type}
     */
    public <T> T arg(int index, Class<T> type) {
        Objects.requireNonNull(type, "type");
        Object value = arg(index);
        if (value == null || type.isInstance(value)) {
            return type.cast(value);
        }
        try {
            return Json.convert(value, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("arg " + index + " of event '" + name + "' cannot be read as "
                    + type.getName() + ": " + e.getMessage(), e);
        }
    }

    /** Whether this event started its chain (no listener emitted it). */
    public boolean isRoot() {
        return causationId == null;
    }
}
