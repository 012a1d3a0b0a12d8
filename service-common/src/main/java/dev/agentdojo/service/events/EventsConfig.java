package dev.agentdojo.service.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The {@code service.events.*} settings: how many clients may follow the event stream, and how far behind (see {@link EventsResource}). */
@ConfigMapping(prefix = "service.events")
public interface EventsConfig {

    /** How many clients may follow {@code GET /events/stream} at once per instance; one more is refused with 503 and {@code Retry-After}. */
    @WithDefault("500")
    int maxStreamClients();

    /**
     * How far, in bytes of events (estimated), a stream client may lag in the service's buffer before
     * it is disconnected (its {@code EventSource} reconnects; {@code EventStreamTest}): 500 clients
     * that read nothing hold at most about 32 MiB there, beyond what the operating system's socket
     * buffers take first ({@code MemoryBoundsTest} serves 500 and refuses the 501st).
     */
    @WithDefault("65536")
    long streamBufferBytes();
}
