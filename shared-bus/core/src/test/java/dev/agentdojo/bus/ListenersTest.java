package dev.agentdojo.bus;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Registering, ordering and removing listeners (semantics 1, 3, 6). */
class ListenersTest extends BusFixture {

    @Test
    void listenersRunInRegistrationOrder() {
        List<String> calls = new CopyOnWriteArrayList<>();
        bus.on("user:login", e -> calls.add("first"));
        bus.on("user:login", e -> calls.add("second"));
        bus.on("user:login", e -> calls.add("third"));

        bus.emitSync("user:login", "john_doe");

        assertThat(calls).containsExactly("first", "second", "third");
    }

    @Test
    void wildcardListenersRunBeforeNamedOnes() {
        List<String> calls = new CopyOnWriteArrayList<>();
        bus.on("order:created", e -> calls.add("named"));
        bus.on("order:*", e -> calls.add("pattern"));
        bus.on("*", e -> calls.add("wildcard"));

        bus.emitSync("order:created");

        assertThat(calls).containsExactly("wildcard", "pattern", "named");
    }

    @Test
    void auditOnWildcardLogsACauseBeforeTheEventsItsHandlersEmit() {
        List<String> audit = new CopyOnWriteArrayList<>();
        bus.on("*", e -> audit.add(e.name()));
        bus.on("order:created", e -> bus.emitSync("payment:process", e.arg(0)));
        bus.on("payment:process", e -> bus.emitSync("order:confirmed", e.arg(0)));

        bus.emitSync("order:created", "o-1");

        assertThat(audit).containsExactly("order:created", "payment:process", "order:confirmed");
    }

    @Test
    void aListenerAddedDuringAnEmitIsNotCalledByIt() {
        List<String> calls = new CopyOnWriteArrayList<>();
        bus.on("tick", e -> {
            calls.add("existing");
            bus.on("tick", late -> calls.add("added during emit"));
        });

        bus.emitSync("tick");
        assertThat(calls).containsExactly("existing");

        bus.emitSync("tick");
        assertThat(calls).containsExactly("existing", "existing", "added during emit");
    }

    @Test
    void aListenerRemovedDuringAnEmitIsNotCalledAfterItsRemoval() {
        List<String> calls = new CopyOnWriteArrayList<>();
        Listener second = e -> calls.add("second");
        bus.on("tick", e -> bus.off("tick", second));
        bus.on("tick", second);

        bus.emitSync("tick");

        assertThat(calls).isEmpty();
    }

    @Test
    void theSameListenerRegisteredTwiceIsRegisteredOnce() {
        List<String> calls = new CopyOnWriteArrayList<>();
        Listener listener = e -> calls.add("called");

        Subscription first = bus.on("user:login", listener);
        Subscription second = bus.on("user:login", listener);
        bus.emitSync("user:login");

        assertThat(second).isSameAs(first);
        assertThat(bus.listenerCount("user:login")).isEqualTo(1);
        assertThat(calls).hasSize(1);
    }

    @Test
    void offRemovesOneListenerAndSaysWhetherItWasThere() {
        List<String> calls = new CopyOnWriteArrayList<>();
        Listener removed = e -> calls.add("removed");
        bus.on("user:login", removed);
        bus.on("user:login", e -> calls.add("kept"));

        assertThat(bus.off("user:login", removed)).isTrue();
        assertThat(bus.off("user:login", removed)).isFalse();
        bus.emitSync("user:login");

        assertThat(calls).containsExactly("kept");
    }

    @Test
    void closingASubscriptionRemovesItsListener() {
        List<String> calls = new CopyOnWriteArrayList<>();
        Subscription subscription = bus.on("user:login", e -> calls.add("called"));

        subscription.close();
        subscription.close();
        boolean handled = bus.emitSync("user:login");

        assertThat(handled).isFalse();
        assertThat(subscription.isActive()).isFalse();
        assertThat(calls).isEmpty();
        assertThat(bus.eventNames()).isEmpty();
    }

    @Test
    void eventNamesListsOnlyNamesThatHaveListenersNow() {
        Subscription login = bus.on("user:login", e -> { });
        bus.on("order:*", e -> { });
        bus.on("*", e -> { });
        bus.emitSync("never:listened");

        assertThat(bus.eventNames()).containsExactlyInAnyOrder("user:login", "order:*", "*");

        login.close();
        assertThat(bus.eventNames()).containsExactlyInAnyOrder("order:*", "*");
    }

    @Test
    void listenerCountCountsListenersOfExactlyThatName() {
        bus.on("user:login", e -> { });
        bus.on("user:login", e -> { });
        bus.on("user:*", e -> { });

        assertThat(bus.listenerCount("user:login")).isEqualTo(2);
        assertThat(bus.listenerCount("user:*")).isEqualTo(1);
        assertThat(bus.listenerCount("user:logout")).isZero();
    }

    @Test
    void removeAllListenersOfOneNameLeavesTheOthers() {
        bus.on("user:login", e -> { });
        bus.on("user:login", e -> { });
        bus.on("user:logout", e -> { });

        bus.removeAllListeners("user:login");

        assertThat(bus.listenerCount("user:login")).isZero();
        assertThat(bus.eventNames()).containsExactly("user:logout");
    }

    @Test
    void removeAllListenersRemovesWildcardAndPatternListenersToo() {
        bus.on("user:login", e -> { });
        bus.on("*", e -> { });
        bus.on("user:*", e -> { });

        bus.removeAllListeners();

        assertThat(bus.eventNames()).isEmpty();
        assertThat(bus.emitSync("user:login")).isFalse();
    }

    @Test
    void emitSyncSaysWhetherAnyListenerRan() {
        assertThat(bus.emitSync("nobody:listens")).isFalse();
        bus.on("somebody:listens", e -> { });
        assertThat(bus.emitSync("somebody:listens")).isTrue();
    }

    @Test
    void theEventCarriesItsNameArgsSourceAndTime() {
        List<Event> seen = new CopyOnWriteArrayList<>();
        bus.on("user:login", seen::add);

        bus.emitSync("user:login", "john_doe", null, 42);

        Event e = seen.get(0);
        assertThat(e.name()).isEqualTo("user:login");
        assertThat(e.args()).containsExactly("john_doe", null, 42);
        assertThat(e.arg(2, Integer.class)).isEqualTo(42);
        assertThat(e.source()).isEqualTo("test");
        assertThat(e.timestamp()).isNotNull();
        assertThat(e.id()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }
}
