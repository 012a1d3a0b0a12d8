package dev.agentdojo.bus;

import dev.agentdojo.bus.names.EventNames;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.List;
import java.util.Set;

/**
 * A pyee-style event emitter for Quarkus: listeners by name, {@code once}, wildcard and namespace
 * patterns, a bounded history, and causation ids that tie each event to the one that caused it.
 *
 * <pre>{@code
 * @Inject EventBus bus;
 *
 * bus.on("user:login", e -> log.info("login " + e.arg(0)));
 * bus.emit("user:login", "john_doe", Instant.now()).await().indefinitely();
 * }</pre>
 *
 * <h2>Names</h2>
 * An event name is one or more segments joined by {@code :}; a segment is letters, digits,
 * {@code _}, {@code -} or {@code .} ({@code order:created}, {@code user.v2:login}), at most
 * {@value #MAX_NAME_LENGTH} characters in all. Listeners may also use patterns: {@code *} alone
 * matches every event; a {@code *} segment matches any one segment ({@code order:*} matches
 * {@code order:created}, not {@code order:item:added}). A bad name or a {@code null} listener is
 * refused with an {@link IllegalArgumentException} that says what is wrong, and nothing changes.
 *
 * <h2>Order</h2>
 * An emit takes a snapshot of the matching listeners when it starts: a listener added during the
 * emit is not called by it, one removed during it may still be. Listeners of {@code *} run first,
 * then those of other matching patterns, then those of the exact name, each group in registration
 * order — so an audit listener on {@code *} logs a cause before the events its handlers emit.
 *
 * <h2>Threads</h2>
 * {@link Listener}s and {@link AsyncListener}s are called on the emitting thread, one after the
 * other. Blocking listeners ({@link #onBlocking}) run there too when that thread may block, and on
 * a Vert.x worker thread when it is an event loop. Listeners may be called from many threads at
 * once and must be thread-safe. Every method of the bus is thread-safe.
 *
 * <h2>Failures</h2>
 * A listener that throws (or whose {@code Uni} fails) never stops the others. Once every listener
 * has run, each failure is emitted as an {@value #ERROR} event with args {@code (exception, event)}.
 * With no {@value #ERROR} listener, {@link #emitSync} throws and the {@code Uni} of {@link #emit}
 * fails with a {@link ListenerFailedException}.
 *
 * <h2>Causation</h2>
 * An event emitted while a listener handles event {@code E} gets {@code causationId = E.id()} and
 * {@code E.correlationId()}; a root event is its own correlation. This holds inside sync, blocking
 * and async listeners, including code that continues on the listener's Vert.x context later.
 *
 * <h2>Also delivered</h2>
 * Every event is deliverable on the Vert.x event bus at the address equal to its name, with the
 * {@link Event} as the message body, so a Quarkus {@code @ConsumeEvent("order:created")} method
 * taking an {@code Event} receives it. The bus publishes there only where something consumes: at
 * the addresses of the application's {@code @ConsumeEvent} methods (found at build time), and of
 * consumers registered through {@link #vertxConsumer} — a consumer registered on Vert.x directly
 * receives nothing. Each event goes into the {@linkplain #getHistory() history}, listened to or not.
 *
 * <h2>Other services, and transactions</h2>
 * In an application built with the bridge ({@code event-bus.bridge.enabled=true}), an event whose
 * name crosses is handed on before any local listener runs. With an {@link EventOutbox} bean (an
 * application that keeps its state in a database), it goes to the outbox: when the emit happens
 * inside work the outbox collects (for the services, {@code TransactionalOutbox.collect}), the event
 * is written in the same transaction as the state change that work makes, relayed to other services
 * once that transaction commits and never if it rolls back; otherwise it is committed on its own,
 * and the {@code Uni} of {@link #emit} completes once it is. Local listeners always run at the emit:
 * they see an event before it is committed, other services only after. Without an outbox, the event
 * is sent to the broker at emit, and {@code emit}'s {@code Uni} waits for the broker's
 * acknowledgement ({@link EventNotSentException} when it does not come).
 */
public interface EventBus {

    /** The reserved event that carries listener failures: args {@code (Throwable, Event)}. */
    String ERROR = "error";

    /** The pattern that matches every event. */
    String ALL = EventNames.ALL;

    /** The longest accepted event name. */
    int MAX_NAME_LENGTH = EventNames.MAX_LENGTH;

    /**
     * The application's bus: the CDI singleton inside a Quarkus application (the same instance
     * {@code @Inject EventBus} gives), elsewhere a process-wide standalone bus made on first use.
     */
    static EventBus get() {
        return EventBusLookup.get();
    }

    /** A new standalone bus on its own Vert.x instance, for plain Java; close it when done. */
    static StandaloneEventBus create() {
        return create(EventBusOptions.defaults());
    }

    /** A new standalone bus with the given options; close it when done. */
    static StandaloneEventBus create(EventBusOptions options) {
        return EventBusLookup.create(options);
    }

    /**
     * Calls {@code listener} for every event that {@code nameOrPattern} matches, until removed.
     * Registering the same listener object twice for one name registers it once and returns the
     * first subscription (pyee's rule; note that each {@code this::method} expression makes a new
     * object, so keep the reference or the {@link Subscription} to remove it).
     */
    Subscription on(String nameOrPattern, Listener listener);

    /** Like {@link #on}, for a listener that completes later; {@link #emit} waits for its {@code Uni}. */
    Subscription onAsync(String nameOrPattern, AsyncListener listener);

    /**
     * Like {@link #on}, for a listener that blocks (as {@code @ConsumeEvent(blocking = true)}): it
     * never runs on an event loop thread, but on a worker thread when the emitter is on one.
     */
    Subscription onBlocking(String nameOrPattern, Listener listener);

    /** Like {@link #on}, but the listener runs at most once, however many threads emit at the same moment. */
    Subscription once(String nameOrPattern, Listener listener);

    /** Like {@link #onAsync}, but at most once. */
    Subscription onceAsync(String nameOrPattern, AsyncListener listener);

    /** Removes {@code listener} from {@code nameOrPattern}; true if it was registered there. */
    boolean off(String nameOrPattern, Listener listener);

    /** Removes an async {@code listener} from {@code nameOrPattern}; true if it was registered there. */
    boolean off(String nameOrPattern, AsyncListener listener);

    /** Removes every listener registered under exactly {@code nameOrPattern} ({@code "*"} for the wildcard ones). */
    void removeAllListeners(String nameOrPattern);

    /** Removes every listener of every name and pattern, wildcard listeners included. */
    void removeAllListeners();

    /**
     * Emits an event and completes when every listener has, async listeners included.
     *
     * <p>The event is dispatched when this method is called, not when the {@code Uni} is
     * subscribed: the {@code Uni} only reports the outcome, and can be ignored by a caller that does
     * not need it. It fails with {@link ListenerFailedException} when a listener failed and no
     * {@value #ERROR} listener took the failure.
     *
     * <pre>{@code
     * bus.emit("user:login", "john_doe", Instant.now()).await().indefinitely();
     * }</pre>
     *
     * @throws IllegalArgumentException if the name is not a valid event name (nothing is emitted)
     */
    Uni<Void> emit(String name, Object... args);

    /**
     * Emits a typed event: a record annotated with {@link EventName}, whose components are the
     * args, in declaration order.
     *
     * <pre>{@code
     * bus.emit(new OrderCreated(orderId, customer, amount, currency));
     * }</pre>
     *
     * @throws IllegalArgumentException if the record's type has no valid {@link EventName} (nothing is emitted)
     */
    default Uni<Void> emit(Record event) {
        return emit(TypedEvents.name(event), TypedEvents.args(event));
    }

    /** {@link #emitSync(String, Object...)} for a typed event (see {@link #emit(Record)}). */
    default boolean emitSync(Record event) {
        return emitSync(TypedEvents.name(event), TypedEvents.args(event));
    }

    /** {@link #emitCausedBy(Event, String, Object...)} for a typed event (see {@link #emit(Record)}). */
    default Uni<Void> emitCausedBy(Event cause, Record event) {
        return emitCausedBy(cause, TypedEvents.name(event), TypedEvents.args(event));
    }

    /**
     * Like {@link #emit}, for work that continues a chain outside a listener — a retry, a
     * scheduled follow-up: the event names {@code cause} as its cause and shares its correlation,
     * as if a listener of {@code cause} had emitted it.
     *
     * <pre>{@code
     * bus.emitCausedBy(orderCreated, "payment:process", orderId, amount, currency); // a retry, same chain
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code cause} is null or the name is not valid (nothing is emitted)
     */
    Uni<Void> emitCausedBy(Event cause, String name, Object... args);

    /**
     * Emits an event and returns when every sync listener has run; async listeners are started, not
     * awaited.
     *
     * <pre>{@code
     * boolean handled = bus.emitSync("system:alert", "HIGH_CPU", "CPU usage exceeded 90%");
     * }</pre>
     *
     * @return true if any listener ran
     * @throws ListenerFailedException  if a listener failed and no {@value #ERROR} listener took it
     * @throws IllegalArgumentException if the name is not a valid event name (nothing is emitted)
     */
    boolean emitSync(String name, Object... args);

    /**
     * Registers a Vert.x event bus consumer of the events named {@code name}, and publishes them on
     * Vert.x from now on (the bus publishes only at addresses something consumes). The consumer
     * runs on a Vert.x context, after the emit, as {@code @ConsumeEvent} methods do; unregister it
     * through the returned {@link MessageConsumer}.
     *
     * @throws IllegalArgumentException if the name is not a valid event name or the handler is null
     */
    MessageConsumer<Event> vertxConsumer(String name, Handler<Message<Event>> handler);

    /** The latest events, oldest first, at most the configured history size. */
    List<Event> getHistory();

    /** The latest events named {@code name}, oldest first. */
    List<Event> getHistory(String name);

    /** Forgets the history. */
    void clearHistory();

    /** The names and patterns that have at least one listener now. */
    Set<String> eventNames();

    /** How many listeners are registered under exactly {@code nameOrPattern} (patterns that would also match are not counted). */
    int listenerCount(String nameOrPattern);

    /** The name this bus stamps on the events it emits: the application name in Quarkus. */
    String source();
}
