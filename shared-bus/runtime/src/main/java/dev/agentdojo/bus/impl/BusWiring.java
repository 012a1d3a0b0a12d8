package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.impl.Registration.Kind;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the build found for the application's bus: the Vert.x addresses something consumes, and the
 * {@code @OnEvent} methods. The extension's recorder makes it at start-up ({@link OnEventRecorder});
 * the CDI producer applies it to the bus as it makes it, so the bus never exists without them — in
 * particular before the bridge consumes. Without the extension (a plain Java program), it is empty.
 */
public final class BusWiring {

    private static final Logger LOG = Logger.getLogger(EventBus.class);
    private static final BusWiring NONE = new BusWiring(Set.of(), false);
    private static volatile BusWiring installed = NONE;

    private final Set<String> consumedAddresses;
    private final boolean consumedEverywhere;
    private final List<Declared> listeners = new ArrayList<>();

    /** One {@code @OnEvent} method under one name or pattern. */
    record Declared(String nameOrPattern, Kind kind, boolean once, Object listener) {
    }

    BusWiring(Set<String> consumedAddresses, boolean consumedEverywhere) {
        this.consumedAddresses = Set.copyOf(consumedAddresses);
        this.consumedEverywhere = consumedEverywhere;
    }

    void add(Declared declared) {
        listeners.add(declared);
    }

    /** Makes this the wiring of the buses the CDI producer makes from now on. */
    void install() {
        installed = this;
    }

    static BusWiring installed() {
        return installed;
    }

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
