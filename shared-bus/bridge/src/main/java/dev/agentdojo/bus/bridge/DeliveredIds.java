package dev.agentdojo.bus.bridge;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the last {@code capacity} events received from other services, to deliver a
 * redelivered duplicate at most once. Memory is bounded by the capacity; an id older than the window
 * would be delivered again. Thread-safe (one monitor, O(1) per call).
 */
final class DeliveredIds {

    private final Map<String, Boolean> ids;

    DeliveredIds(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("event-bus.bridge.dedupe-window must be at least 1, was " + capacity);
        }
        this.ids = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Records {@code id}; true if it was not seen within the window (deliver it), false for a duplicate. */
    synchronized boolean firstTime(String id) {
        return ids.putIfAbsent(id, Boolean.TRUE) == null;
    }
}
