package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.Bridge;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

import java.util.Map;
import java.util.Optional;

/**
 * The bridge's outgoing channel, {@code mp.messaging.outgoing.agent-dojo-out.*}: SmallRye Reactive
 * Messaging and its Kafka connector own and document these keys (this library ships their defaults
 * for Kafka in its {@code META-INF/microprofile-config.properties}); this mapping reads what the
 * bridge and the outbox relay need, and takes every other key of the channel as it is.
 */
@ConfigMapping(prefix = "mp.messaging.outgoing." + Bridge.OUTGOING)
public interface OutgoingChannelConfig {

    /** The channel's connector: {@code smallrye-kafka}, or the in-memory one of tests. */
    Optional<String> connector();

    /** The topic the service sends its events to, its own (the Kafka connector's default: the channel's name). */
    @WithDefault(Bridge.OUTGOING)
    String topic();

    /** Every setting of the channel, by its name after the channel's prefix. */
    @WithParentName
    Map<String, String> all();

    /** Whether the channel is Kafka's. */
    default boolean onKafka() {
        return connector().filter("smallrye-kafka"::equals).isPresent();
    }
}
