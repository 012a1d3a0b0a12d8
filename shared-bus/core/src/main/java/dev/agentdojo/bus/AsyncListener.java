package dev.agentdojo.bus;

import io.smallrye.mutiny.Uni;

/**
 * A listener whose work completes later: the counterpart of pyee's {@code async def} handler.
 *
 * <p>The bus calls {@link #onEvent} on the emitting thread and subscribes to the returned
 * {@code Uni} at once; {@link EventBus#emit} completes only when that {@code Uni} has. A failed
 * {@code Uni} is handled like a thrown exception. Returning {@code null} counts as done.
 */
@FunctionalInterface
public interface AsyncListener {

    Uni<?> onEvent(Event event);
}
