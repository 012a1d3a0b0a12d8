package dev.agentdojo.bus.core;

import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventBusOptions;
import dev.agentdojo.bus.StandaloneEventBus;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.ServiceLoader;

/** Behind {@link EventBus#get()} and {@link EventBus#create}: finds or makes a bus. */
public final class EventBusLookup {

    /**
     * Knows the bus of a running application (the Quarkus extension has one, found with
     * {@link ServiceLoader}): {@link EventBus#get()} asks it before it falls back to the
     * process-wide standalone bus.
     */
    public interface Provider {
        /** The running application's bus, or null when none runs. */
        EventBus current();
    }

    private EventBusLookup() {
    }

    /** The running application's bus when a {@link Provider} knows one, else the process-wide standalone bus. */
    public static EventBus get() {
        for (Provider provider : Providers.ALL) {
            EventBus bus = provider.current();
            if (bus != null) {
                return bus;
            }
        }
        return ProcessWide.BUS;
    }

    public static StandaloneEventBus create(EventBusOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        VertxContexts.prepare(); // before the Vert.x instance: see VertxContexts
        return new LocalEventBus(Vertx.vertx(), true, options);
    }

    /** Loaded on first use; fixed from then on. */
    private static final class Providers {
        static final List<Provider> ALL = ServiceLoader.load(Provider.class, EventBusLookup.class.getClassLoader())
                .stream().map(ServiceLoader.Provider::get).toList();
    }

    /** Made on first use only, so a Quarkus application never starts this extra Vert.x. */
    private static final class ProcessWide {
        static final StandaloneEventBus BUS = create(EventBusOptions.defaults());
    }
}
