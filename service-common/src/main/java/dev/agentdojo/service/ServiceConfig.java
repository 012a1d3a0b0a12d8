package dev.agentdojo.service;

import io.smallrye.config.ConfigMapping;

/**
 * The {@code service.*} settings of a service itself; those of its parts are in mappings of their
 * own ({@code service.events.*}, {@code service.dead-letters.*}, {@code service.group-commit.*},
 * {@code service.outbox.*}).
 */
@ConfigMapping(prefix = "service")
public interface ServiceConfig {

    /**
     * The service's database on the PostgreSQL server ({@code orders}, {@code payments}): the end
     * of {@code quarkus.datasource.jdbc.url} and, by default, the role it logs in as
     * ({@code PG_USER}). In dev mode the dev stack reads it, at build time, to log the service in.
     */
    String database();
}
