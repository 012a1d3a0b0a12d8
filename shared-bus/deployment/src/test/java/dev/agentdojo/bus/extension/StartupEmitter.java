package dev.agentdojo.bus.extension;

import dev.agentdojo.bus.EventBus;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/** Emits a short chain at start-up, for the Dev UI to show. */
@Singleton
public class StartupEmitter {

    void start(@Observes StartupEvent started, EventBus bus) {
        bus.emitSync("probe:emits");
    }
}
