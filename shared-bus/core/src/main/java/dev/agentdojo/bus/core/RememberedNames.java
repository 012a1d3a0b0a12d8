package dev.agentdojo.bus.core;

import dev.agentdojo.bus.names.EventNames;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The first {@value #MAX} event names one bus found valid: a hash lookup (the string caches its
 * hash) costs a tenth of the check, so a bus checks the names it emitted before no more.
 * Thread-safe.
 */
final class RememberedNames {

    static final int MAX = 4096;
    private final Set<String> valid = ConcurrentHashMap.newKeySet();

    /** Returns {@code name} if it is a valid event name (no patterns); else throws. */
    String requireEventName(String name) {
        if (name != null && valid.contains(name)) {
            return name;
        }
        EventNames.requireEventName(name);
        if (valid.size() < MAX) {
            valid.add(name);
        }
        return name;
    }
}
