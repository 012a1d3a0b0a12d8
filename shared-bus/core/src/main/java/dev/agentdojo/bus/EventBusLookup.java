package dev.agentdojo.bus;

import java.util.List;
import java.util.ServiceLoader;

/** Behind {@link EventBus#get()} and {@link EventBus#create}: finds or makes a bus through the {@link EventBusProvider}s. */
final class EventBusLookup {

    private EventBusLookup() {
    }

    /** The running application's bus when a provider knows one, else the process-wide standalone bus. */
    static EventBus get() {
        for (EventBusProvider provider : Providers.ALL) {
            EventBus bus = provider.current();
            if (bus != null) {
                return bus;
            }
        }
        return ProcessWide.BUS;
    }

    static StandaloneEventBus create(EventBusOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        for (EventBusProvider provider : Providers.ALL) {
            StandaloneEventBus bus = provider.create(options);
            if (bus != null) {
                return bus;
            }
        }
        throw new IllegalStateException("no " + EventBusProvider.class.getName() + " makes a standalone bus: "
                + "shared-bus-core's META-INF/services is not on the class path");
    }

    /** Loaded on first use; fixed from then on. */
    private static final class Providers {
        static final List<EventBusProvider> ALL = ServiceLoader.load(EventBusProvider.class, EventBusLookup.class.getClassLoader())
                .stream().map(ServiceLoader.Provider::get).toList();
    }

    /** Made on first use only, so a Quarkus application never starts this extra Vert.x. */
    private static final class ProcessWide {
        static final StandaloneEventBus BUS = create(EventBusOptions.defaults());
    }
}
