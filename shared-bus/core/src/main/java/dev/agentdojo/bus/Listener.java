package dev.agentdojo.bus;

/**
 * A listener that does its work before it returns.
 *
 * <p>It runs on the emitting thread, which may be a Vert.x event loop: it must not block there.
 * Register work that blocks (JDBC, a remote call, {@code Thread.sleep}) with
 * {@link EventBus#onBlocking(String, Listener)}, or return a {@link io.smallrye.mutiny.Uni} from an
 * {@link AsyncListener}.
 */
@FunctionalInterface
public interface Listener {

    /**
     * Handles one event. A thrown exception does not stop the other listeners: it is passed to the
     * listeners of {@value EventBus#ERROR}, or reported to the emitter when there are none.
     */
    void onEvent(Event event) throws Exception;
}
