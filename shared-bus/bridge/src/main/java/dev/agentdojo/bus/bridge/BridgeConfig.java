package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.EventLog;
import io.quarkus.runtime.annotations.ConfigDocMapKey;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code event-bus.bridge.*} settings of the bridge between services; every one has a working
 * default but {@link #topicEvents}, which each of the bridge's topics needs.
 */
@ConfigMapping(prefix = "event-bus.bridge")
public interface BridgeConfig {

    /**
     * Whether the bridge exists. Read at build time: when false (the library's default), the bridge
     * bean does not exist and its two channels are disabled, so that an application with the bus
     * alone needs no broker and no connector; service-common sets it {@code true} for the services.
     */
    @WithDefault("false")
    boolean enabled();

    /** Names or patterns of the events that cross to other services. */
    @WithDefault("*")
    List<String> include();

    /** Names or patterns that never cross, even when included. */
    @WithDefault("error")
    List<String> exclude();

    /**
     * The names (or patterns) of the events each topic may carry, by topic: what the topic's owner,
     * the one service whose login may write it, emits — e.g.
     * {@code event-bus.bridge.topic-events."agent-dojo.orders"=order:created,payment:process}.
     * A received record with another name is dead-lettered (whatever source it claims), and the
     * live log does not show it; so is every record of a topic not named here. The bridge's topics
     * — the outgoing channel's and the incoming channel's — must each be named, or the application
     * does not start, and the error names the property to set (a renamed topic must not turn the
     * check off); {@code *} declares, explicitly, a topic that may carry anything. service-common
     * sets {@code agent-dojo.orders} = {@code order:created,payment:process} and
     * {@code agent-dojo.payments} = {@code order:confirmed,payment:failed}.
     */
    @ConfigDocMapKey("topic")
    Map<String, List<String>> topicEvents();

    /**
     * How many ids of received events handled here (their listeners completed) are remembered, to
     * skip redelivered copies.
     */
    @WithDefault("10000")
    int dedupeWindow();

    /**
     * The largest event that crosses to other services, in bytes of its JSON envelope (UTF-8);
     * an emit of a larger one is refused with an {@code IllegalArgumentException}, and nothing
     * is emitted. Bounds what the outbox, the topic and every reader of it hold per event.
     */
    @WithDefault("65536")
    int maxRecordSize();

    /** How many received events may be handled at once (their listeners are still running). */
    @WithDefault("256")
    int concurrency();

    /**
     * How long the bridge waits before it hands a received event to its listeners again, after
     * they failed for a reason that passes (the database is away, a timeout); each further try
     * waits twice as long, up to {@link #retryMaxWait}. The record is not acknowledged meanwhile.
     */
    @WithDefault("200ms")
    Duration retryFirstWait();

    /** The longest wait between two tries of a received event (see {@link #retryFirstWait}). */
    @WithDefault("10s")
    Duration retryMaxWait();

    /**
     * How long a received record may stay unsettled — neither acknowledged nor dead-lettered: its
     * listeners still failing for a passing reason, or hanging — before the service's readiness is
     * DOWN naming it (its topic, partition and offset, and why it waits). A record whose
     * dead-letter write is refused makes readiness DOWN at once. The gauge
     * {@code agentdojo_bridge_oldest_unacknowledged_seconds} shows the age of the oldest one.
     */
    @WithDefault("2m")
    Duration stalledAfter();

    /**
     * How many times the in-process part of an event's trip runs on a scratch bus once the
     * service can take events (its consumer first assigned), on a thread of its own that readiness
     * does not wait for, so that the first events find that code compiled (see BENCHMARKS.md); 0
     * skips it.
     */
    @WithDefault("20000")
    int warmUpRounds();

    /**
     * How long the Kafka consumer behind the bridge may go without polling the broker before the
     * service's readiness says it does not take events.
     */
    @WithDefault("15s")
    Duration readyPollWithin();

    /**
     * This instance among the application's instances: its Kafka static member id
     * ({@code group.instance.id}) and the {@code agent-dojo-instance} header of every event it
     * sends. Must differ between instances; by default {@code <application>-<host>-<http port>}
     * ({@code event-bus.host} is this machine's host name).
     */
    @WithDefault("${quarkus.application.name}-${event-bus.host}-${quarkus.http.port:8080}")
    String instanceId();

    /**
     * How many of the latest events on the log the {@code EventLog} keeps in memory (read per topic
     * partition on start): the latest events {@code GET /events} and the page's stream can show.
     */
    @WithDefault("500")
    int logTailSize();

    /**
     * How many bytes of events (their size on the log) the {@code EventLog} keeps in memory at
     * most: the oldest go first when either bound is reached.
     */
    @WithDefault("2M")
    MemorySize logTailBytes();
}
