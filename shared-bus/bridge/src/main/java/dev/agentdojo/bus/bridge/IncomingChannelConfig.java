package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.Bridge;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bridge's incoming channel, {@code mp.messaging.incoming.agent-dojo-in.*}: SmallRye Reactive
 * Messaging and its Kafka connector own and document these keys (this library ships their defaults
 * for Kafka in its {@code META-INF/microprofile-config.properties}); this mapping reads what the
 * bridge, the event log's tail and the service's checks need, and takes every other key of the
 * channel as it is.
 */
@ConfigMapping(prefix = "mp.messaging.incoming." + Bridge.INCOMING)
public interface IncomingChannelConfig {

    /** The channel's connector: {@code smallrye-kafka}, or the in-memory one of tests. */
    Optional<String> connector();

    /** The topic the service receives from, unless {@link #topics} names several (the Kafka connector's default: the channel's name). */
    @WithDefault(Bridge.INCOMING)
    String topic();

    /** The topics the service receives from, when more than one (they take the place of {@link #topic}). */
    Optional<List<String>> topics();

    /** Whether {@link #topic} is a pattern of topic names rather than a name. */
    @WithDefault("false")
    boolean pattern();

    /** The brokers of this channel, when they are not {@code kafka.bootstrap.servers}. */
    @WithName("bootstrap.servers")
    Optional<String> bootstrapServers();

    /** Every setting of the channel, by its name after the channel's prefix (its login among them: {@link KafkaLogin}). */
    @WithParentName
    Map<String, String> all();

    /** Whether the channel is Kafka's. */
    default boolean onKafka() {
        return connector().filter("smallrye-kafka"::equals).isPresent();
    }

    /** The topics it names: {@link #topics}, else {@link #topic}; none for a {@link #pattern}. */
    default List<String> namedTopics() {
        return pattern() ? List.of() : topics().orElse(List.of(topic()));
    }
}
