package dev.agentdojo.bus.bridge;

import io.quarkus.runtime.configuration.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicOwnersTest {

    private final TopicOwners owners = new TopicOwners(Map.of(
            "agent-dojo.orders", List.of("order:created", "payment:process"),
            "agent-dojo.payments", List.of("order:confirmed", "payment:failed"),
            "agent-dojo.audit", List.of("audit:*")));

    @Test
    void aTopicCarriesOnlyTheNamesItsOwnerSends() {
        assertThat(owners.allows("agent-dojo.orders", "payment:process")).isTrue();
        assertThat(owners.allows("agent-dojo.payments", "order:confirmed")).isTrue();
        assertThat(owners.allows("agent-dojo.payments", "order:created")).as("a forged order on payment-service's topic").isFalse();
        assertThat(owners.allows("agent-dojo.orders", "order:confirmed")).as("a forged outcome on order-service's topic").isFalse();
    }

    @Test
    void patternsDeclareANamespace() {
        assertThat(owners.allows("agent-dojo.audit", "audit:login")).isTrue();
        assertThat(owners.allows("agent-dojo.audit", "order:created")).isFalse();
    }

    @Test
    void aTopicWithoutADeclarationCarriesNothing_andARecordOfNoTopicAnything() {
        assertThat(owners.allows("agent-dojo.payments.renamed", "order:confirmed")).as("a renamed topic turns no check off").isFalse();
        assertThat(owners.allowedOn("agent-dojo.payments.renamed"))
                .isEqualTo("nothing (event-bus.bridge.topic-events.\"agent-dojo.payments.renamed\" is not set)");
        assertThat(owners.allows(null, "order:created")).as("off Kafka: no topic to check").isTrue();
        assertThat(owners.allowedOn("agent-dojo.payments")).isEqualTo("order:confirmed, payment:failed");
    }

    @Test
    void theBridgesTopicsAreTheOutgoingOneAndTheIncomingOnes_andThoseNotDeclaredAreNamed() {
        assertThat(bridgeTopics(Map.of(
                "mp.messaging.outgoing.agent-dojo-out.topic", "agent-dojo.orders",
                "mp.messaging.incoming.agent-dojo-in.topic", "agent-dojo.payments")))
                .containsExactly("agent-dojo.orders", "agent-dojo.payments");
        assertThat(bridgeTopics(Map.of(
                "mp.messaging.outgoing.agent-dojo-out.topic", "mine",
                "mp.messaging.incoming.agent-dojo-in.topic", "ignored",
                "mp.messaging.incoming.agent-dojo-in.topics", "a,mine,b")))
                .containsExactly("mine", "a", "b");
        assertThat(bridgeTopics(Map.of())).as("Kafka's default: the channel's name")
                .containsExactly("agent-dojo-out", "agent-dojo-in");
        assertThat(bridgeTopics(Map.of(
                "mp.messaging.outgoing.agent-dojo-out.topic", "mine",
                "mp.messaging.incoming.agent-dojo-in.topic", "agent-dojo\\..*",
                "mp.messaging.incoming.agent-dojo-in.pattern", "true")))
                .as("a pattern names no topic to check: what it matches carries nothing unless declared").containsExactly("mine");

        assertThat(owners.undeclared(List.of("agent-dojo.orders", "renamed", "agent-dojo.payments", "other")))
                .containsExactly("renamed", "other");
    }

    @Test
    void theBridgeDoesNotStartWithATopicWhoseEventsAreNotDeclared_andSaysWhichPropertyToSet() {
        List<String> renamed = bridgeTopics(Map.of(
                "mp.messaging.outgoing.agent-dojo-out.topic", "agent-dojo.orders",
                "mp.messaging.incoming.agent-dojo-in.topic", "agent-dojo.payments-v2"));

        assertThatThrownBy(() -> EventBridge.requireDeclaredTopics(declaring(Map.of(
                "agent-dojo.orders", List.of("order:created"), "agent-dojo.payments", List.of("order:confirmed"))), renamed))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("set event-bus.bridge.topic-events.\"agent-dojo.payments-v2\" to the names the topic's owner sends")
                .satisfies(e -> assertThat(((ConfigurationException) e).getConfigKeys())
                        .containsExactly("event-bus.bridge.topic-events.\"agent-dojo.payments-v2\""));
        EventBridge.requireDeclaredTopics(declaring(Map.of("agent-dojo.orders", List.of("order:created"),
                "agent-dojo.payments-v2", List.of("order:confirmed"))), renamed); // declared: starts
    }

    /** The bridge's topics as the channels of {@code values} name them. */
    private static List<String> bridgeTopics(Map<String, String> values) {
        var config = KafkaLoginTest.config(values);
        return TopicOwners.bridgeTopics(config.getConfigMapping(OutgoingChannelConfig.class),
                config.getConfigMapping(IncomingChannelConfig.class));
    }

    /** Settings that declare {@code topicEvents}; nothing else is read. */
    private static BridgeConfig declaring(Map<String, List<String>> topicEvents) {
        return (BridgeConfig) java.lang.reflect.Proxy.newProxyInstance(BridgeConfig.class.getClassLoader(),
                new Class<?>[] {BridgeConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("topicEvents")) {
                        return topicEvents;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void badDeclarationsAreRefused() {
        assertThatThrownBy(() -> new TopicOwners(Map.of("t", List.of())))
                .hasMessageContaining("event-bus.bridge.topic-events.\"t\" must name at least one event");
        assertThatThrownBy(() -> new TopicOwners(Map.of("t", List.of("not a name")))).isInstanceOf(IllegalArgumentException.class);
    }
}
