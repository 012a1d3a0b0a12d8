package dev.agentdojo.bus.impl;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The {@code event-bus.*} settings of the application's bus. */
@ConfigMapping(prefix = "event-bus")
public interface EventBusConfig {

    /** How many of the latest events the history keeps; 0 turns it off. */
    @WithDefault("100")
    int historySize();
}
