package dev.agentdojo.bus;

import io.smallrye.mutiny.Multi;

import java.util.List;

/**
 * The event log as every instance of every service writes it: with Kafka, a tail of the topic read
 * by a consumer of no group (so it takes nothing from the service's own consumer), each event with
 * the instance that sent it. An application has one when it has the {@link Bridge}; on another
 * connector (the in-memory one of tests) it shows this instance's own bus.
 *
 * <p>It starts reading when first asked, and keeps the latest {@code event-bus.bridge.log-tail-size}
 * events in memory, no more than {@code event-bus.bridge.log-tail-bytes} of them. A broker that is away when it starts, or later, does not stop it: it reads again
 * by itself once the broker is back.
 */
public interface EventLog {

    /** The latest events on the log, oldest first, at most {@code max}. */
    List<LoggedEvent> latest(int max);

    /**
     * The latest {@code withLatest} events (oldest first), then every event written to the log from
     * now on, as it arrives. Cancel the subscription to stop.
     */
    Multi<LoggedEvent> follow(int withLatest);

    /** Whether the log is read now: false while the broker is away, and before anyone asked for it. */
    boolean isFollowing();
}
