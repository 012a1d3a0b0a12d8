package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventBusOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Makes the application's {@link EventBus}: one per application, on Quarkus's own Vert.x, named
 * after {@code quarkus.application.name}. Injectable as {@code EventBus} (and as
 * {@code LocalEventBus} for the bridge in this library). With a Micrometer registry in the
 * application (quarkus-micrometer), the bus records its meters there ({@link BusMetrics}). The bus
 * comes with what the build found ({@link BusWiring}): its {@code @OnEvent} listeners, and the
 * Vert.x addresses something consumes.
 */
@ApplicationScoped
public class EventBusProducer {

    @Produces
    @Singleton
    @Typed({EventBus.class, LocalEventBus.class})
    LocalEventBus eventBus(Vertx vertx, EventBusConfig config, Instance<MeterRegistry> registry,
                           @ConfigProperty(name = "quarkus.application.name", defaultValue = "application") String application) {
        BusMetrics metrics = registry.isResolvable() ? new BusMetrics(registry.get()) : BusMetrics.NONE;
        LocalEventBus bus = new LocalEventBus(vertx, false, new EventBusOptions(config.historySize(), application), metrics);
        BusWiring.installed().applyTo(bus);
        return bus;
    }

    void close(@Disposes LocalEventBus bus) {
        bus.close();
    }
}
