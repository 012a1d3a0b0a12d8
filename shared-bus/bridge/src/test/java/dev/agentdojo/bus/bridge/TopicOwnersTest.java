package dev.agentdojo.bus.bridge;

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
    void aTopicWithoutADeclarationOrNoTopicCarriesAnything() {
        assertThat(owners.allows("someone-elses", "anything:at-all")).isTrue();
        assertThat(owners.allows(null, "order:created")).isTrue();
        assertThat(owners.allowedOn("agent-dojo.payments")).isEqualTo("order:confirmed, payment:failed");
    }

    @Test
    void badDeclarationsAreRefused() {
        assertThatThrownBy(() -> new TopicOwners(Map.of("t", List.of())))
                .hasMessageContaining("event-bus.bridge.topic-events.\"t\" must name at least one event");
        assertThatThrownBy(() -> new TopicOwners(Map.of("t", List.of("not a name")))).isInstanceOf(IllegalArgumentException.class);
    }
}
