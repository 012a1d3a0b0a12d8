package dev.agentdojo.bus;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Wildcard and namespace patterns (semantic 9). */
class PatternsTest extends BusFixture {

    @Test
    void starAloneMatchesEveryEventAndSeesItsName() {
        List<String> audit = new CopyOnWriteArrayList<>();
        bus.on("*", e -> audit.add(e.name() + " " + e.args()));

        bus.emitSync("user:login", "john_doe");
        bus.emitSync("system");
        bus.emitSync("a:b:c");

        assertThat(audit).containsExactly("user:login [john_doe]", "system []", "a:b:c []");
    }

    @Test
    void aStarSegmentMatchesExactlyOneSegment() {
        List<String> seen = new CopyOnWriteArrayList<>();
        bus.on("order:*", e -> seen.add(e.name()));

        bus.emitSync("order:created");
        bus.emitSync("order:confirmed");
        bus.emitSync("order");
        bus.emitSync("order:item:added");
        bus.emitSync("payment:process");

        assertThat(seen).containsExactly("order:created", "order:confirmed");
    }

    @Test
    void aStarMayStandForAnySegment() {
        List<String> seen = new CopyOnWriteArrayList<>();
        bus.on("*:created", e -> seen.add(e.name()));

        bus.emitSync("order:created");
        bus.emitSync("user:created");
        bus.emitSync("order:confirmed");

        assertThat(seen).containsExactly("order:created", "user:created");
    }

    @Test
    void patternListenersCanBeRemovedByTheirPattern() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Listener listener = e -> seen.add(e.name());
        bus.on("order:*", listener);

        assertThat(bus.off("order:*", listener)).isTrue();
        bus.emitSync("order:created");

        assertThat(seen).isEmpty();
    }

    @Test
    void listenersAddedOrRemovedBetweenEmitsOfOneNameAreSeenByTheNextEmit() {
        List<String> calls = new java.util.ArrayList<>();
        bus.on("*", e -> calls.add("*"));
        bus.emitSync("order:created");
        Subscription pattern = bus.on("order:*", e -> calls.add("order:*"));
        bus.emitSync("order:created");
        pattern.close();
        bus.emitSync("order:created");
        bus.on("order:created", e -> calls.add("exact"));
        bus.emitSync("order:created");

        assertThat(calls).containsExactly("*", "*", "order:*", "*", "*", "exact");
    }
}
