package dev.agentdojo.bus;

import dev.agentdojo.bus.json.Json;

import java.lang.invoke.MethodHandles;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One event as the bus delivered it: immutable, safe to share between threads and to keep.
 *
 * <pre>{@code
 * bus.on("user:login", e -> log.infof("%s logged in at %s", e.arg(0), e.arg(1, Instant.class)));
 * }</pre>
 *
 * Its parts: {@link #id()}, {@link #name()}, {@link #args()}, {@link #timestamp()},
 * {@link #source()}, {@link #correlationId()} and {@link #causationId()}. Two events are equal when
 * all of them are. (An event emitted here formats its id and makes its timestamp only when first
 * asked for them: most events in a busy process never are.)
 */
public final class Event {

    private final String name;
    private final List<Object> args;
    private final String source;
    private final String causationId;
    private final long idHigh;
    private final long idLow;
    private final long millis;
    private String id;               // racy single-check: every thread computes the same string
    private Instant timestamp;       // likewise
    private String correlationId;    // likewise, for a root event (its own id)

    /**
     * An event with all its parts given, such as one received from another service.
     *
     * @param id            unique id (a time-ordered UUID), the same in every service the event reaches
     * @param name          the event's name, such as {@code order:created}
     * @param args          the arguments given to {@code emit}, in order; unmodifiable, may hold {@code null}s
     * @param timestamp     when it was emitted
     * @param source        the service (application name) that emitted it
     * @param correlationId the id of the first event of the chain this one belongs to (its own id for a root event)
     * @param causationId   the id of the event whose listener emitted this one, or {@code null} for a root event
     */
    public Event(String id, String name, List<Object> args, Instant timestamp, String source,
                 String correlationId, String causationId) {
        this.id = Objects.requireNonNull(id, "id");
        this.name = Objects.requireNonNull(name, "name");
        this.args = Objects.requireNonNull(args, "args");
        this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
        this.source = Objects.requireNonNull(source, "source");
        this.correlationId = Objects.requireNonNull(correlationId, "correlationId");
        this.causationId = causationId;
        this.idHigh = 0;
        this.idLow = 0;
        this.millis = timestamp.toEpochMilli();
    }

    /** Not for applications: makes an event emitted here; see {@link #factory}. */
    @FunctionalInterface
    public interface Factory {
        Event create(long idHigh, long idLow, long millis, String name, List<Object> args, String source, Event cause);
    }

    /** The package of the bus's implementation, the only one {@link #factory} serves. */
    private static final String IMPLEMENTATION = Event.class.getPackageName() + ".core";

    /**
     * Not for applications: how the bus makes the events it emits (through the private constructor
     * below, which formats the id lazily), without making that constructor part of the API. Served
     * only to a class of the bus's implementation, which shows it is one with a lookup of its own:
     * {@code Event.factory(MethodHandles.lookup())}.
     *
     * @throws IllegalCallerException if {@code caller} is not a full-privilege lookup in that package
     */
    public static Factory factory(MethodHandles.Lookup caller) {
        if (!caller.hasFullPrivilegeAccess() || !caller.lookupClass().getPackageName().equals(IMPLEMENTATION)) {
            throw new IllegalCallerException("only the bus's implementation (" + IMPLEMENTATION + ") makes events this way");
        }
        return Event::new;
    }

    /** An event emitted here: its id is the UUID {@code (idHigh, idLow)}; a root event when {@code cause} is null. */
    private Event(long idHigh, long idLow, long millis, String name, List<Object> args, String source, Event cause) {
        this.idHigh = idHigh;
        this.idLow = idLow;
        this.millis = millis;
        this.name = name;
        this.args = args;
        this.source = source;
        if (cause != null) {
            this.correlationId = cause.correlationId();
            this.causationId = cause.id();
        } else {
            this.causationId = null;
        }
    }

    /** Unique id (a time-ordered UUID), the same in every service the event reaches. */
    public String id() {
        String value = id;
        if (value == null) {
            value = new UUID(idHigh, idLow).toString();
            id = value;
        }
        return value;
    }

    /** The event's name, such as {@code order:created}. */
    public String name() {
        return name;
    }

    /** The arguments given to {@code emit}, in order; unmodifiable, may hold {@code null}s. */
    public List<Object> args() {
        return args;
    }

    /** When it was emitted (millisecond precision for an event emitted here). */
    public Instant timestamp() {
        Instant value = timestamp;
        if (value == null) {
            value = Instant.ofEpochMilli(millis);
            timestamp = value;
        }
        return value;
    }

    /** The service (application name) that emitted it. */
    public String source() {
        return source;
    }

    /** The id of the first event of the chain this one belongs to: its own id for a root event. */
    public String correlationId() {
        String value = correlationId;
        if (value == null) {
            value = id();
            correlationId = value;
        }
        return value;
    }

    /** The id of the event whose listener emitted this one, or {@code null} for a root event. */
    public String causationId() {
        return causationId;
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

    /**
     * This event as a typed event: its args, converted as by {@link #arg(int, Class)}, are the
     * components of a {@code type}, in declaration order.
     *
     * <pre>{@code
     * OrderCreated created = event.as(OrderCreated.class);
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code type}'s {@link EventName} is not this event's
     *                                  name, the number of args is not the number of components, or
     *                                  an arg cannot be converted
     */
    public <T extends Record> T as(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return TypedEvents.read(this, type);
    }

    /** Whether this event started its chain (no listener emitted it). */
    public boolean isRoot() {
        return causationId == null;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Event other
                && id().equals(other.id()) && name.equals(other.name) && args.equals(other.args)
                && timestamp().equals(other.timestamp()) && source.equals(other.source)
                && correlationId().equals(other.correlationId()) && Objects.equals(causationId, other.causationId);
    }

    @Override
    public int hashCode() {
        return id().hashCode();
    }

    @Override
    public String toString() {
        return "Event[id=" + id() + ", name=" + name + ", args=" + args + ", timestamp=" + timestamp()
                + ", source=" + source + ", correlationId=" + correlationId() + ", causationId=" + causationId + "]";
    }
}
