package dev.agentdojo.outbox;

import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What waits to be relayed, as gauges: {@code agentdojo.outbox.waiting.events} and
 * {@code .waiting.bytes} (the committed events the relay holds that the broker has not taken yet;
 * bytes: their JSON, in characters), {@code .waiting.oldest.seconds} (how long the oldest of them
 * has waited; 0 when none waits) and {@code agentdojo.outbox.slot.lag.bytes} (the write-ahead log
 * the replication slot holds back; -1 when the slot is missing or cannot be read). Updated by the
 * relay's threads; read by the registry from any thread.
 */
final class RelayBacklog {

    private final AtomicLong events = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    /** System.nanoTime() since when the oldest event not yet taken by the broker waits; 0: none waits. */
    private volatile long since;
    private volatile long slotLag = -1;

    RelayBacklog(MeterRegistry registry) {
        registry.gauge("agentdojo.outbox.waiting.events", events);
        registry.gauge("agentdojo.outbox.waiting.bytes", bytes);
        registry.gauge("agentdojo.outbox.waiting.oldest.seconds", this,
                backlog -> backlog.since == 0 ? 0 : (System.nanoTime() - backlog.since) / 1e9);
        registry.gauge("agentdojo.outbox.slot.lag.bytes", this, backlog -> backlog.slotLag);
    }

    /** The relay holds {@code count} events of {@code size} characters in all, none taken yet (0: it holds none). */
    void holding(long count, long size) {
        events.set(count);
        bytes.set(size);
        since = count == 0 ? 0 : System.nanoTime();
    }

    /** The broker took one of the events held, of {@code size} characters. */
    void taken(long size) {
        events.decrementAndGet();
        bytes.addAndGet(-size);
    }

    void slotLag(long lagBytes) {
        slotLag = lagBytes;
    }
}
