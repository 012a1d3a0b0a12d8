package dev.agentdojo.bus.bridge;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which received events were handled here, and which are being handled now: a copy of an event
 * whose listeners completed is skipped, and a copy that arrives while another is being handled
 * waits for that one's outcome instead of running the listeners a second time.
 *
 * <p>An id counts as handled only once its listeners <em>completed</em> — never when it arrives —
 * so a copy that comes again while the first is still retried (after a rebalance, say) is not
 * acknowledged before the work is done. This is a cache in front of the record that counts: the
 * listeners' effects, committed with the marks that make a second delivery change nothing (in the
 * services, the state's own constraints). An id older than the last {@code capacity} handled ones is
 * delivered again. Memory is bounded by the capacity plus the events in flight (at most
 * {@code event-bus.bridge.concurrency}). Thread-safe.
 */
final class HandledEvents {

    private final Map<String, Boolean> handled;
    private final ConcurrentHashMap<String, CompletableFuture<Boolean>> inFlight = new ConcurrentHashMap<>();

    HandledEvents(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("event-bus.bridge.dedupe-window must be at least 1, was " + capacity);
        }
        this.handled = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Whether the listeners of event {@code id} completed here (within the window). */
    synchronized boolean wasHandled(String id) {
        return handled.containsKey(id);
    }

    /**
     * Starts handling event {@code id}: null when this copy is the one to handle (call
     * {@link #finished} when it is settled), or the outcome of the copy already being handled — true
     * once that one's listeners completed, false if it was set aside or cut short.
     */
    CompletableFuture<Boolean> begin(String id) {
        return inFlight.putIfAbsent(id, new CompletableFuture<>());
    }

    /** Settles the handling {@link #begin} started: {@code completed} when the listeners completed. */
    void finished(String id, boolean completed) {
        if (completed) {
            synchronized (this) {
                handled.put(id, Boolean.TRUE);
            }
        }
        CompletableFuture<Boolean> mine = inFlight.remove(id);
        if (mine != null) {
            mine.complete(completed);
        }
    }
}
