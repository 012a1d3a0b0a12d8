package dev.agentdojo.bus.core;

import dev.agentdojo.bus.EventBusOptions;
import dev.agentdojo.bus.EventBusProvider;
import dev.agentdojo.bus.StandaloneEventBus;
import io.vertx.core.Vertx;

/** Makes the standalone buses of {@code EventBus.create}: a {@link LocalEventBus} on a Vert.x instance of its own. */
public final class LocalEventBusProvider implements EventBusProvider {

    @Override
    public StandaloneEventBus create(EventBusOptions options) {
        VertxContexts.prepare(); // before the Vert.x instance: see VertxContexts
        return new LocalEventBus(Vertx.vertx(), true, options);
    }
}
