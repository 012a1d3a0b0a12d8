package dev.agentdojo.bus;

/**
 * A bus that owns its Vert.x instance, made by {@link EventBus#create()} for plain Java programs.
 *
 * <pre>{@code
 * try (StandaloneEventBus bus = EventBus.create()) {
 *     bus.on("user:login", e -> System.out.println(e.arg(0)));
 *     bus.emitSync("user:login", "john_doe");
 * }
 * }</pre>
 */
public interface StandaloneEventBus extends EventBus, AutoCloseable {

    /** Removes every listener and closes the Vert.x instance; waits for it. Idempotent. */
    @Override
    void close();
}
