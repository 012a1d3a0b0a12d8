package dev.agentdojo.bus.runtime;

import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventBusProvider;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;

/** Lets {@link EventBus#get()} return the application's CDI bus while a Quarkus application runs. */
public final class ArcEventBusProvider implements EventBusProvider {

    @Override
    public EventBus current() {
        ArcContainer container = Arc.container();
        return container != null && container.isRunning() ? container.instance(EventBus.class).get() : null;
    }
}
