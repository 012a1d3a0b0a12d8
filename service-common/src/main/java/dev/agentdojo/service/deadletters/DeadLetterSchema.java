package dev.agentdojo.service.deadletters;

import dev.agentdojo.outbox.ListedMigrations;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.util.List;

/**
 * The dead letters' schema, defined once for every service: the tables {@code dead_letters} and
 * {@code dead_letter_actions} ({@code db/dead-letters/*.sql} in this jar). Applied at start-up,
 * after the service's own migrations and before the bridge takes any event, by a Flyway of its own
 * with its own history table ({@value #HISTORY}), so that its versions never mix with the
 * service's. A change is a new version; an applied one is never edited.
 */
@ApplicationScoped
public class DeadLetterSchema {

    private static final Logger LOG = Logger.getLogger(DeadLetterSchema.class);
    /** The table in which Flyway keeps which of the dead letters' migrations ran. */
    public static final String HISTORY = "dead_letters_schema_history";
    private static final String LOCATION = "db/dead-letters/";
    /** The migrations, in order; listed rather than scanned for, so that they are found in any packaging. */
    static final List<String> MIGRATIONS = List.of("V1__dead_letters.sql");

    private final AgroalDataSource dataSource;

    DeadLetterSchema(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    void apply(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 1) StartupEvent started) {
        MigrateResult result = migrate(dataSource);
        if (result.migrationsExecuted > 0) {
            LOG.infof("Dead letters' schema now at version %s (%d migration(s) applied)", result.targetSchemaVersion,
                    result.migrationsExecuted);
        }
    }

    /**
     * Brings {@code database}'s dead-letter tables up to date. On a schema that has tables already
     * (the service's own), the first run starts its history at version 0 (Flyway's baseline).
     */
    public static MigrateResult migrate(DataSource database) {
        return Flyway.configure(DeadLetterSchema.class.getClassLoader())
                .dataSource(database)
                .table(HISTORY)
                .resourceProvider(new ListedMigrations(DeadLetterSchema.class.getClassLoader(), LOCATION, MIGRATIONS))
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .baselineDescription("the service tables before the dead-letter migrations") // no quote: Flyway writes it into its SQL as it is
                .load()
                .migrate();
    }
}
