package dev.agentdojo.bus.runtime;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The {@code event-bus.*} settings of the application's bus; every one has a working default. The
 * bridge's ({@code event-bus.bridge.*}) are in shared-bus-bridge.
 */
@ConfigMapping(prefix = "event-bus")
public interface EventBusConfig {

    /** How many of the latest events the history keeps; 0 turns it off. */
    @WithDefault("100")
    int historySize();

    /** This machine's host name (given by {@link HostConfigSource}; set it to name the host otherwise). */
    String host();
}
