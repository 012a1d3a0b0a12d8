package dev.agentdojo.bus;

import java.util.ServiceLoader;

/**
 * Not for applications: what {@link EventBus#get()} and {@link EventBus#create} reach, found with
 * {@link ServiceLoader}, so that this package needs no implementation of its own. The bus's core
 * provides the standalone bus ({@code META-INF/services/dev.agentdojo.bus.EventBusProvider} in its
 * jar); the Quarkus extension knows the running application's bus.
 */
public interface EventBusProvider {

    /** The running application's bus, or null when none runs or this provider knows of none. */
    default EventBus current() {
        return null;
    }

    /** A new standalone bus on its own Vert.x instance, or null when this provider makes none. */
    default StandaloneEventBus create(EventBusOptions options) {
        return null;
    }
}
