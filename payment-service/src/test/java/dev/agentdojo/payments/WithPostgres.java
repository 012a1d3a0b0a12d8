package dev.agentdojo.payments;

import dev.agentdojo.postgres.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Every {@code @QuarkusTest} of this module runs against a real PostgreSQL (started from Maven
 * artifacts, no Docker), with the service's own database; Flyway creates its schema at start-up.
 */
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "payments"))
public final class WithPostgres {

    private WithPostgres() {
    }
}
