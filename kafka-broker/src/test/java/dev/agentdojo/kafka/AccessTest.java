package dev.agentdojo.kafka;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A line of {@code access.properties}, and the ACLs it stands for. */
class AccessTest {

    @Test
    void aFourthPartListsTheTransactionalIdsThePrincipalMayUse() {
        Access access = Access.parse("relay = out, dlq | in | relay-group | relay-tx, relay-tx-2");

        assertThat(access.principal()).isEqualTo("relay");
        assertThat(access.writes()).containsExactly("out", "dlq");
        assertThat(access.reads()).containsExactly("in");
        assertThat(access.group()).contains("relay-group");
        assertThat(access.transactionalIds()).containsExactly("relay-tx", "relay-tx-2");
    }

    @Test
    void aLineOfThreePartsStillParsesWithNoTransactionalIds() {
        Access access = Access.parse("observer = | * |");

        assertThat(access.writes()).isEmpty();
        assertThat(access.reads()).containsExactly("*");
        assertThat(access.group()).isEmpty();
        assertThat(access.transactionalIds()).isEmpty();
        assertThat(Access.parse("reader = | in | group |  ").transactionalIds()).as("an empty fourth part").isEmpty();
        assertThat(new Access("p", List.of("t"), List.of(), Optional.empty()).transactionalIds())
                .as("the constructor without transactional ids").isEmpty();
    }

    @Test
    void otherShapesAndNamesAreRefused() {
        assertThatThrownBy(() -> Access.parse("p = a | b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Access.parse("p = a | b | g | tx | more")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Access.parse("p a | b | g | tx")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Access.parse("p = a | b | g | not an id")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Access.parse("p = a | b | g | *")).as("no wildcard: one principal's ids are its own")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachTransactionalIdIsWrittenAndDescribedByItsPrincipalAlone() {
        Access access = Access.parse("relay = out | in | relay-group | relay-tx");

        assertThat(access.aclBindings()).containsExactlyInAnyOrder(
                allow(ResourceType.TOPIC, "out", AclOperation.WRITE),
                allow(ResourceType.TOPIC, "out", AclOperation.DESCRIBE),
                allow(ResourceType.TOPIC, "in", AclOperation.READ),
                allow(ResourceType.TOPIC, "in", AclOperation.DESCRIBE),
                allow(ResourceType.GROUP, "relay-group", AclOperation.READ),
                allow(ResourceType.TRANSACTIONAL_ID, "relay-tx", AclOperation.WRITE),
                allow(ResourceType.TRANSACTIONAL_ID, "relay-tx", AclOperation.DESCRIBE));
    }

    @Test
    void eachServicesOutboxRelayHasItsOwnTransactionalId() {
        Map<String, Access> defaults = Access.defaults().stream().collect(Collectors.toMap(Access::principal, Function.identity()));

        assertThat(defaults.get("order-service").transactionalIds()).containsExactly("order-service-outbox-relay");
        assertThat(defaults.get("payment-service").transactionalIds()).containsExactly("payment-service-outbox-relay");
        assertThat(defaults.get("observer").transactionalIds()).isEmpty();
        assertThat(defaults.get("order-service").group()).contains("order-service");
    }

    private static AclBinding allow(ResourceType type, String name, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:relay", "*", operation, AclPermissionType.ALLOW));
    }
}
