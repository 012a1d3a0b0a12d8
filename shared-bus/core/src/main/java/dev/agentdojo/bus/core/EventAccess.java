package dev.agentdojo.bus.core;

import dev.agentdojo.bus.Event;

import java.util.List;

/**
 * Lets the bus make events through {@link Event}'s private constructor, the one that formats the id
 * lazily, without making that constructor part of the public API: {@link Event#factory} hands it
 * out against a {@link Key}, and only this class can make one.
 */
public final class EventAccess {

    /** Makes an event emitted here; see {@link Event}. */
    @FunctionalInterface
    public interface Factory {
        Event create(long idHigh, long idLow, long millis, String name, List<Object> args, String source, Event cause);
    }

    /** Proof that the caller is this class. */
    public static final class Key {
        private Key() {
        }
    }

    private static final Factory FACTORY = Event.factory(new Key());

    private EventAccess() {
    }

    static Factory factory() {
        return FACTORY;
    }
}
