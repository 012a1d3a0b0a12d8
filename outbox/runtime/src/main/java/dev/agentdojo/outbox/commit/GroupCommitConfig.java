package dev.agentdojo.outbox.commit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The {@code service.group-commit.*} settings: how a service's hot writes are batched (see {@link GroupCommit}). */
@ConfigMapping(prefix = "service.group-commit")
public interface GroupCommitConfig {

    /** The most writes of one kind (new orders, outcomes, payments, gateway calls, outbox events) in one transaction. */
    @WithDefault("200")
    int maxBatch();

    /**
     * The most writes of one kind waiting for the database; one more is refused ({@code POST /orders}:
     * 503 with {@code Retry-After}, nothing stored) or retried later.
     */
    @WithDefault("10000")
    int maxQueued();

    /**
     * The longest a write may wait for its batch to start; one that waited longer is refused, not
     * written (503 for a new order). With the database's timeouts it bounds how long a request waits
     * when the database is away or stalled.
     */
    @WithDefault("5s")
    java.time.Duration maxWait();
}
