package dev.agentdojo.bus.runtime;

import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventBusOptions;
import dev.agentdojo.bus.OnEvent;
import dev.agentdojo.bus.core.BusMetrics;
import dev.agentdojo.bus.core.LocalEventBus;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

/**
 * Makes the application's {@link EventBus}: one per application, on Quarkus's own Vert.x, named
 * after {@code quarkus.application.name}. Injectable as {@code EventBus} (and as
 * {@code LocalEventBus} for the bridge in this library). With a Micrometer registry in the
 * application (quarkus-micrometer), the bus records its meters there ({@link MicrometerMeters}). The bus
 * comes with what the build found ({@link BusWiring}): its {@code @OnEvent} listeners, and the
 * Vert.x addresses something consumes.
 */
@ApplicationScoped
public class EventBusProducer {

    @Produces
    @Singleton
    @Typed({EventBus.class, LocalEventBus.class})
    LocalEventBus eventBus(Vertx vertx, EventBusConfig config, QuarkusApplicationConfig application, Instance<MeterRegistry> registry,
                           BusWiring wiring) {
        BusMetrics metrics = registry.isResolvable() ? new BusMetrics(new MicrometerMeters(registry.get())) : BusMetrics.NONE;
        LocalEventBus bus = new LocalEventBus(vertx, false, new EventBusOptions(config.historySize(), application.name()), metrics);
        wiring.applyTo(bus);
        return bus;
    }

    void close(@Disposes LocalEventBus bus) {
        bus.close();
    }
}
