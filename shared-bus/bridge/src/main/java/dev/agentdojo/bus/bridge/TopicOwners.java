package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.names.EventNames;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which events each topic may carry: the names its owner — the one service whose login may write
 * it — emits ({@code event-bus.bridge.topic-events."<topic>"}). A record on a topic with another
 * name is not acted on: the bridge dead-letters it and the live log does not show it, whoever wrote
 * it. A topic with no declaration carries nothing (so a topic renamed in the configuration alone
 * cannot turn the check off), and the bridge refuses to start unless its own topics are declared
 * ({@link #undeclared}). Immutable; thread-safe.
 */
final class TopicOwners {

    private final Map<String, List<String>> names;

    TopicOwners(Map<String, List<String>> names) {
        names.forEach((topic, patterns) -> {
            if (patterns.isEmpty()) {
                throw new IllegalArgumentException(property(topic) + " must name at least one event");
            }
            patterns.forEach(EventNames::requireNameOrPattern);
        });
        this.names = Map.copyOf(names);
    }

    /** The property that declares what {@code topic} carries. */
    static String property(String topic) {
        return "event-bus.bridge.topic-events.\"" + topic + "\"";
    }

    /**
     * Whether {@code topic}'s owner may emit events named {@code name}: false on a topic without a
     * declaration; true when the topic is not known (null: a connector other than Kafka, as the
     * in-memory one of tests).
     */
    boolean allows(String topic, String name) {
        if (topic == null) {
            return true;
        }
        List<String> allowed = names.get(topic);
        if (allowed == null) {
            return false;
        }
        for (int i = 0; i < allowed.size(); i++) {
            if (EventNames.matches(allowed.get(i), name)) {
                return true;
            }
        }
        return false;
    }

    /** The names {@code topic} may carry, for an error message. */
    String allowedOn(String topic) {
        List<String> allowed = names.get(topic);
        return allowed == null ? "nothing (" + property(topic) + " is not set)" : String.join(", ", allowed);
    }

    /** Of {@code topics}, those without a declaration, in order. */
    List<String> undeclared(List<String> topics) {
        List<String> missing = new ArrayList<>();
        for (String topic : topics) {
            if (!names.containsKey(topic)) {
                missing.add(topic);
            }
        }
        return missing;
    }

    /**
     * The topics the bridge writes and reads, as the channels are configured: the outgoing
     * channel's {@code topic} and the incoming channel's {@code topics} (or {@code topic}), each
     * defaulting to the channel's name as the Kafka connector does. An incoming {@code pattern}
     * subscription names no topic that can be checked here; the topics it matches carry nothing
     * unless declared.
     */
    static List<String> bridgeTopics(OutgoingChannelConfig outgoing, IncomingChannelConfig incoming) {
        Set<String> topics = new LinkedHashSet<>();
        topics.add(outgoing.topic());
        topics.addAll(incoming.namedTopics());
        return List.copyOf(topics);
    }
}
