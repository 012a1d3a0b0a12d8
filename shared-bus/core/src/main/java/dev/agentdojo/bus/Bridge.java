package dev.agentdojo.bus;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The bridge that carries this service's events to the other services over SmallRye Reactive
 * Messaging (Kafka in real runs), and theirs to this service's bus. An application has one when it
 * is built with {@code event-bus.bridge.enabled=true}; inject it as {@code Instance<Bridge>} where it
 * may be absent.
 */
public interface Bridge {

    /** The messaging channel events leave by. */
    String OUTGOING = "agent-dojo-out";

    /** The messaging channel events arrive by. */
    String INCOMING = "agent-dojo-in";

    /** True once the warm-up is done and events are received: the service may take requests. */
    boolean isReady();

    /**
     * False once the stream of events received from other services has ended while the
     * application runs — it takes no more, and only a restart makes it take them again: the
     * service's liveness is DOWN then. True before the start and while it stops.
     */
    boolean isReceiving();

    /**
     * Why the consumer cannot move on, or null: a received record not settled (acknowledged or
     * dead-lettered) for longer than {@code event-bus.bridge.stalled-after}, or one the dead-letter
     * topic refuses — with the record's topic, partition and offset, and why it waits. The
     * service's readiness is DOWN while there is one.
     */
    String stalled();

    /**
     * Sends a record to the outgoing channel, as an outbox relay does with a committed event:
     * {@code envelope} as its value, {@code key} as its key, {@code headers} as its headers.
     * Completes when the broker has acknowledged it; fails when it did not take it.
     */
    CompletionStage<Void> publish(String key, String envelope, Map<String, String> headers);
}
