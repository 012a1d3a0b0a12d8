package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.Event;

import java.util.List;

/**
 * Lets the bus make events through {@link Event}'s private constructor, the one that formats the id
 * lazily, without making that constructor part of the public API. {@code Event} installs its
 * factory when its class is initialized.
 */
public final class EventAccess {

    /** Makes an event emitted here; see {@link Event}. */
    @FunctionalInterface
    public interface Factory {
        Event create(long idHigh, long idLow, long millis, String name, List<Object> args, String source, Event cause);
    }

    private static volatile Factory factory;

    private EventAccess() {
    }

    /** Called once, by {@link Event}; later calls are ignored. */
    public static void install(Factory f) {
        if (factory == null) {
            factory = f;
        }
    }

    static Factory factory() {
        Factory f = factory;
        if (f == null) {
            try {
                Class.forName(Event.class.getName(), true, Event.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            f = factory;
        }
        return f;
    }
}
