package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventBusOptions;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Makes the application's {@link EventBus}: one per application, on Quarkus's own Vert.x, named
 * after {@code quarkus.application.name}. Injectable as {@code EventBus} (and as
 * {@code LocalEventBus} for the bridge in this library).
 */
@ApplicationScoped
public class EventBusProducer {

    @Produces
    @Singleton
    @Typed({EventBus.class, LocalEventBus.class})
    LocalEventBus eventBus(Vertx vertx, EventBusConfig config,
                           @ConfigProperty(name = "quarkus.application.name", defaultValue = "application") String application) {
        return new LocalEventBus(vertx, false, new EventBusOptions(config.historySize(), application));
    }

    void close(@Disposes LocalEventBus bus) {
        bus.close();
    }
}
