package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.core.EventNames;

import java.util.List;
import java.util.Map;

/**
 * Which events each topic may carry: the names its owner — the one service whose login may write
 * it — emits ({@code event-bus.bridge.topic-events."<topic>"}). A record on a topic with another
 * name is not acted on: the bridge dead-letters it and the live log does not show it, whoever wrote
 * it. A topic with no declaration carries any name. Immutable; thread-safe.
 */
final class TopicOwners {

    private final Map<String, List<String>> names;

    TopicOwners(Map<String, List<String>> names) {
        names.forEach((topic, patterns) -> {
            if (patterns.isEmpty()) {
                throw new IllegalArgumentException("event-bus.bridge.topic-events.\"" + topic + "\" must name at least one event");
            }
            patterns.forEach(EventNames::requireNameOrPattern);
        });
        this.names = Map.copyOf(names);
    }

    /** Whether {@code topic}'s owner may emit events named {@code name}; true for a topic of unknown owner (or none). */
    boolean allows(String topic, String name) {
        List<String> allowed = topic == null ? null : names.get(topic);
        if (allowed == null) {
            return true;
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
        return String.join(", ", names.getOrDefault(topic, List.of("*")));
    }
}
