package dev.agentdojo.bus;

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

    /** True once the start-up replay (if any) and warm-up are done and events are received: the service may take requests. */
    boolean isReady();
}
