package dev.agentdojo.bus.core;

import dev.agentdojo.bus.AsyncListener;
import dev.agentdojo.bus.Listener;

/** How a registered listener is called. */
public enum ListenerKind {
    /** A {@link Listener} called on the emitting thread. */
    SYNC,
    /** An {@link AsyncListener}; its {@code Uni} is subscribed on the emitting thread. */
    ASYNC,
    /** A {@link Listener} that may block: never called on an event loop thread. */
    BLOCKING
}
