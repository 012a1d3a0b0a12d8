package dev.agentdojo.bus.core;

import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.names.EventNames;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who listens to what. Listeners of an exact name sit in a hash map, those of {@code *} and of
 * other patterns in two arrays of their own, so that dispatch to an exact name is one hash lookup
 * and no copy when no pattern is registered.
 *
 * <p>Thread-safety: every array is copy-on-write and never changed after publication, so
 * {@link #snapshot} reads without locking; changes are serialized on one lock. Changes are rare
 * next to emits, which is what this trades for.
 */
final class ListenerRegistry {

    private static final Registration[] NONE = new Registration[0];
    /** At most this many event names keep a merged snapshot; others are merged on each emit. */
    static final int MAX_MERGED = 1024;

    private final Object lock = new Object();
    private final Map<String, Registration[]> exact = new ConcurrentHashMap<>();
    private volatile Registration[] wildcard = NONE;
    private volatile Registration[] patterns = NONE;
    /**
     * Per event name, the merged snapshot when {@code *} or pattern listeners exist; emptied on
     * every change, under the lock, so it never holds a stale array after a change returns.
     */
    private final Map<String, Registration[]> merged = new ConcurrentHashMap<>();
    /** Bumped on every change, so a merge that raced a change is not cached. */
    private volatile long version;

    /**
     * Adds {@code candidate} unless its listener is already registered under the same name, in
     * which case the existing registration is returned and nothing changes.
     */
    Registration add(Registration candidate) {
        synchronized (lock) {
            Registration existing = find(candidate.name(), candidate.listener());
            if (existing != null) {
                return existing;
            }
            String name = candidate.name();
            if (name.equals(EventBus.ALL)) {
                wildcard = append(wildcard, candidate);
            } else if (candidate.isPattern()) {
                patterns = append(patterns, candidate);
            } else {
                exact.put(name, append(exact.getOrDefault(name, NONE), candidate));
            }
            changed();
            return candidate;
        }
    }

    /** Removes {@code registration}; true if it was registered. */
    boolean remove(Registration registration) {
        synchronized (lock) {
            registration.deactivate();
            try {
                return removeFromArrays(registration);
            } finally {
                changed();
            }
        }
    }

    private boolean removeFromArrays(Registration registration) {
        String name = registration.name();
        if (name.equals(EventBus.ALL)) {
            Registration[] after = without(wildcard, registration);
            boolean removed = after != wildcard;
            wildcard = after;
            return removed;
        }
        if (registration.isPattern()) {
            Registration[] after = without(patterns, registration);
            boolean removed = after != patterns;
            patterns = after;
            return removed;
        }
        Registration[] before = exact.getOrDefault(name, NONE);
        Registration[] after = without(before, registration);
        if (after.length == 0) {
            exact.remove(name);
        } else {
            exact.put(name, after);
        }
        return after != before;
    }

    /** The active registration of {@code listener} under exactly {@code name}, or null. */
    Registration find(String name, Object listener) {
        for (Registration r : registeredUnder(name)) {
            if (r.listener().equals(listener)) {
                return r;
            }
        }
        return null;
    }

    void removeAll(String name) {
        synchronized (lock) {
            for (Registration r : registeredUnder(name)) {
                remove(r);
            }
        }
    }

    void removeAll() {
        synchronized (lock) {
            for (Registration[] group : exact.values()) {
                Arrays.stream(group).forEach(Registration::deactivate);
            }
            Arrays.stream(wildcard).forEach(Registration::deactivate);
            Arrays.stream(patterns).forEach(Registration::deactivate);
            exact.clear();
            wildcard = NONE;
            patterns = NONE;
            changed();
        }
    }

    /**
     * Called under the lock after each change: a merge that read the arrays before the change sees
     * a new version and is not cached; one that reads the new version also reads the new arrays.
     */
    private void changed() {
        version++;
        merged.clear();
    }

    /**
     * The registrations an event named {@code eventName} reaches, in dispatch order: {@code *}
     * first, then other matching patterns, then the exact name, each in registration order. The
     * returned array must not be modified.
     */
    Registration[] snapshot(String eventName) {
        if (wildcard.length == 0 && patterns.length == 0) {
            return exact.getOrDefault(eventName, NONE);
        }
        Registration[] cached = merged.get(eventName);
        if (cached != null) {
            return cached;
        }
        long before = version;
        Registration[] out = merge(eventName);
        if (merged.size() < MAX_MERGED) {
            synchronized (lock) {
                if (version == before) {
                    merged.put(eventName, out);
                }
            }
        }
        return out;
    }

    private Registration[] merge(String eventName) {
        Registration[] named = exact.getOrDefault(eventName, NONE);
        Registration[] all = wildcard;
        Registration[] patterned = patterns;
        Registration[] out = new Registration[all.length + patterned.length + named.length];
        System.arraycopy(all, 0, out, 0, all.length);
        int n = all.length;
        for (Registration r : patterned) {
            if (r.matches(eventName)) {
                out[n++] = r;
            }
        }
        System.arraycopy(named, 0, out, n, named.length);
        n += named.length;
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** Whether an emit of {@code eventName} would reach any listener. */
    boolean hasListeners(String eventName) {
        return snapshot(eventName).length > 0;
    }

    /** Every registration: {@code *} first, then patterns, then exact names, each in registration order. */
    List<Registration> all() {
        List<Registration> out = new ArrayList<>(Arrays.asList(wildcard));
        out.addAll(Arrays.asList(patterns));
        exact.values().forEach(group -> out.addAll(Arrays.asList(group)));
        return out;
    }

    Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        if (wildcard.length > 0) {
            names.add(EventBus.ALL);
        }
        for (Registration r : patterns) {
            names.add(r.name());
        }
        names.addAll(exact.keySet());
        return Collections.unmodifiableSet(names);
    }

    int count(String name) {
        return registeredUnder(name).length;
    }

    private Registration[] registeredUnder(String name) {
        if (name.equals(EventBus.ALL)) {
            return wildcard;
        }
        if (EventNames.isPattern(name)) {
            return Arrays.stream(patterns).filter(r -> r.name().equals(name)).toArray(Registration[]::new);
        }
        return exact.getOrDefault(name, NONE);
    }

    private static Registration[] append(Registration[] array, Registration r) {
        Registration[] out = Arrays.copyOf(array, array.length + 1);
        out[array.length] = r;
        return out;
    }

    private static Registration[] without(Registration[] array, Registration r) {
        for (int i = 0; i < array.length; i++) {
            if (array[i] == r) {
                Registration[] out = new Registration[array.length - 1];
                System.arraycopy(array, 0, out, 0, i);
                System.arraycopy(array, i + 1, out, i, array.length - i - 1);
                return out;
            }
        }
        return array;
    }
}
