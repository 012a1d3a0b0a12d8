package dev.agentdojo.bus.runtime;

import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.OnEvent;
import dev.agentdojo.bus.core.ListenerKind;
import dev.agentdojo.bus.core.LocalEventBus;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the build found for the application's bus: the Vert.x addresses something consumes, and the
 * {@code @OnEvent} methods. The extension's recorder makes it at start-up ({@link OnEventRecorder})
 * as a synthetic bean; the CDI producer applies it to the bus as it makes it, so the bus never
 * exists without them — in particular before the bridge consumes. Filled at static init, read
 * once by the producer after that.
 */
public final class BusWiring {

    private static final Logger LOG = Logger.getLogger(EventBus.class);

    private final Set<String> consumedAddresses = new TreeSet<>();
    private boolean consumedEverywhere;
    private final List<Declared> listeners = new ArrayList<>();

    /** One {@code @OnEvent} method under one name or pattern. */
    record Declared(String nameOrPattern, ListenerKind kind, boolean once, Object listener) {
    }

    BusWiring() {
    }

    /** Publishes events on Vert.x at {@code addresses}; at every address when {@code everywhere}. */
    void consumedAt(Set<String> addresses, boolean everywhere) {
        consumedAddresses.addAll(addresses);
        consumedEverywhere |= everywhere;
    }

    void add(Declared declared) {
        listeners.add(declared);
    }

    /** Registers the listeners and the consumed addresses on {@code bus}. */
    void applyTo(LocalEventBus bus) {
        consumedAddresses.forEach(bus.publication()::consumedAt);
        if (consumedEverywhere) {
            bus.publication().consumedEverywhere();
        }
        for (Declared d : listeners) {
            bus.register(d.nameOrPattern(), d.listener(), d.kind(), d.once());
            LOG.debugf("@OnEvent %s listens to '%s'%s", d.listener(), d.nameOrPattern(), d.once() ? " once" : "");
        }
    }
}
