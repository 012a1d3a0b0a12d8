package dev.agentdojo.bus.runtime;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The {@code event-bus.*} settings of the application's bus; every one has a working default. The
 * bridge's ({@code event-bus.bridge.*}) are in shared-bus-bridge.
 */
@ConfigMapping(prefix = "event-bus")
public interface EventBusConfig {

    /**
     * How many of the latest events {@code getHistory()} keeps (and {@code GET /events} shows, on the
     * in-memory connector of tests); 0 keeps none; at most 1,000,000.
     */
    @WithDefault("100")
    int historySize();

    /**
     * This machine's host name, part of the default {@code event-bus.bridge.instance-id}: given by
     * {@link HostConfigSource} (so no default here); set it to name the host otherwise.
     */
    String host();
}
