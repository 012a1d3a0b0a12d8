package dev.agentdojo.bus.core;

import dev.agentdojo.bus.Subscription;
import dev.agentdojo.bus.names.EventNames;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One listener registered under one name or pattern; also its {@link Subscription}. Immutable but
 * for its active flag, which only ever goes from true to false.
 */
final class Registration implements Subscription {

    private final ListenerRegistry registry;
    private final String name;
    private final boolean pattern;
    private final Object listener;
    private final ListenerKind kind;
    private final boolean once;
    private final AtomicBoolean active = new AtomicBoolean(true);

    Registration(ListenerRegistry registry, String name, Object listener, ListenerKind kind, boolean once) {
        this.registry = registry;
        this.name = name;
        this.pattern = EventNames.isPattern(name);
        this.listener = listener;
        this.kind = kind;
        this.once = once;
    }

    /**
     * Claims this registration for one call. A {@code once} registration is claimed by exactly one
     * caller, whatever the race, and leaves the registry; any other is claimable while active.
     */
    boolean claim() {
        if (!once) {
            return active.get();
        }
        if (active.compareAndSet(true, false)) {
            registry.remove(this);
            return true;
        }
        return false;
    }

    /** Marks the registration removed; true if it was active. Called by the registry. */
    boolean deactivate() {
        return active.getAndSet(false);
    }

    boolean matches(String eventName) {
        return pattern ? EventNames.matches(name, eventName) : name.equals(eventName);
    }

    boolean isPattern() {
        return pattern;
    }

    Object listener() {
        return listener;
    }

    ListenerKind kind() {
        return kind;
    }

    boolean isOnce() {
        return once;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isActive() {
        return active.get();
    }

    @Override
    public void close() {
        registry.remove(this);
    }

    @Override
    public String toString() {
        return "Subscription[" + name + ", " + kind + (once ? ", once" : "") + (isActive() ? "" : ", removed") + "]";
    }
}
