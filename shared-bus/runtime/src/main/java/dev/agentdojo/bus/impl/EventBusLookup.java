package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventBusOptions;
import dev.agentdojo.bus.StandaloneEventBus;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.vertx.core.Vertx;

/** Behind {@link EventBus#get()} and {@link EventBus#create}: finds or makes a bus. */
public final class EventBusLookup {

    private EventBusLookup() {
    }

    /** The CDI bus when a Quarkus application runs, else the process-wide standalone bus. */
    public static EventBus get() {
        ArcContainer container = Arc.container();
        if (container != null && container.isRunning()) {
            return container.instance(EventBus.class).get();
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

    /** Made on first use only, so a Quarkus application never starts this extra Vert.x. */
    private static final class ProcessWide {
        static final StandaloneEventBus BUS = create(EventBusOptions.defaults());
    }
}
