package dev.agentdojo.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The {@code service.outbox.*} settings: how committed events are relayed to the broker (see {@link OutboxRelay}). */
@ConfigMapping(prefix = "service.outbox")
public interface OutboxConfig {

    /**
     * Whether this instance runs the embedded relay (one of a service's instances relays at a time;
     * the others stand by); {@code false} when Kafka Connect relays (docs/kafka-connect.md).
     */
    @WithDefault("true")
    boolean relay();

    /** How long the relay waits for more committed events before it sends what it has (Debezium's {@code poll.interval.ms}). */
    @WithDefault("5ms")
    Duration pollInterval();

    /**
     * How often the relaying instance renews its lease; how long a standing-by relay waits before it
     * asks again for the lease and the replication slot, and a relay waits before it starts again
     * after the database went away.
     */
    @WithDefault("1s")
    Duration retryWait();

    /**
     * How long the relay's leadership lasts unless renewed (the relaying instance renews it every
     * {@link #retryWait}): a sibling takes over within about this long, plus a few seconds to start,
     * after the relaying instance crashed, froze or was cut off; and one that froze sends nothing
     * once it wakes up (see {@link RelayLease}). At least three times {@link #retryWait}. Needs
     * PostgreSQL 14 or later ({@code idle_session_timeout}).
     */
    @WithDefault("10s")
    Duration lease();

    /**
     * The relay's Kafka {@code transactional.id}, the same for every instance of a service: a relay
     * that takes the lead opens its producer with it, and the broker fences every older one, so a
     * deposed relay cannot write the topic whatever it still holds. The service's login needs WRITE
     * and DESCRIBE on it ({@code access.properties}' fourth part).
     */
    @WithDefault("${quarkus.application.name:application}-outbox-relay")
    String transactionalId();
}
