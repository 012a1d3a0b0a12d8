package dev.agentdojo.bus.core;

import dev.agentdojo.bus.Event;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The last {@code capacity} events, oldest first, in a fixed ring: memory is bounded by the
 * capacity whatever the load. Thread-safe; each call holds the monitor for O(1) ({@link #add}) or
 * O(capacity) (snapshots). A capacity of 0 keeps nothing and takes no lock.
 */
final class EventHistory {

    private final Event[] ring;
    private int next;
    private int size;

    EventHistory(int capacity) {
        this.ring = new Event[capacity];
    }

    void add(Event event) {
        if (ring.length == 0) {
            return;
        }
        synchronized (this) {
            ring[next] = event;
            next = next + 1 == ring.length ? 0 : next + 1;
            if (size < ring.length) {
                size++;
            }
        }
    }

    List<Event> snapshot() {
        return snapshot(null);
    }

    /** The kept events named {@code name} (all of them when {@code null}), oldest first. */
    List<Event> snapshot(String name) {
        if (ring.length == 0) {
            return List.of();
        }
        List<Event> out = new ArrayList<>();
        synchronized (this) {
            int start = (next - size + ring.length) % ring.length;
            for (int i = 0; i < size; i++) {
                Event e = ring[(start + i) % ring.length];
                if (name == null || name.equals(e.name())) {
                    out.add(e);
                }
            }
        }
        return List.copyOf(out);
    }

    synchronized void clear() {
        Arrays.fill(ring, null);
        next = 0;
        size = 0;
    }

    int capacity() {
        return ring.length;
    }
}
