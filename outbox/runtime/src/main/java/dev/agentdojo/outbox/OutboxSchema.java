package dev.agentdojo.outbox;

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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The outbox's schema, defined here and nowhere else: the table {@code outbox}, the publication
 * {@code agentdojo_outbox} and the replication slot {@code agentdojo_outbox_<database>}
 * ({@code db/outbox/*.sql} in this jar). Applied at start-up, after the service's own migrations and
 * before the relay or any request can use it, by a Flyway of its own with its own history table
 * ({@value #HISTORY}), so that its versions never mix with the service's.
 *
 * <p>The migrations are written to run on any database: a new one, and one whose outbox an earlier
 * version of the services created with migrations of their own — they find it there and leave it as
 * it is, rows, publication and slot included.
 */
@ApplicationScoped
public class OutboxSchema {

    private static final Logger LOG = Logger.getLogger(OutboxSchema.class);
    /** The table in which Flyway keeps which of the outbox's migrations ran. */
    public static final String HISTORY = "outbox_schema_history";
    private static final String LOCATION = "db/outbox/";
    /** The migrations, in order; listed rather than scanned for, so that they are found in any packaging. */
    static final List<String> MIGRATIONS = List.of("V1__outbox.sql", "V2__outbox_slot.sql");

    private final AgroalDataSource dataSource;

    OutboxSchema(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    void apply(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent started) {
        MigrateResult result = migrate(dataSource);
        if (result.migrationsExecuted > 0) {
            LOG.infof("Outbox schema now at version %s (%d migration(s) applied)", result.targetSchemaVersion,
                    result.migrationsExecuted);
        } else {
            LOG.infof("Outbox schema at version %s, up to date", result.initialSchemaVersion);
        }
    }

    /**
     * Brings {@code database}'s outbox up to date. When the schema has tables already (the service's
     * own, migrated first), the first run starts its history at version 0 (Flyway's baseline) and
     * applies every migration; on an empty schema it applies them without a baseline.
     *
     * <p>An outbox that was there before this history (made by a service's own migrations, as the two
     * services' V3 to V6 did before the outbox was an extension) is adopted as it is: its replication
     * slot is not made anew. Had it lost its slot, a new one would start at the end of the log and
     * skip every event committed since the old one's position; the relay says the slot is missing
     * instead ({@link RelaySlot}), and nothing is skipped.
     */
    public static MigrateResult migrate(DataSource database) {
        boolean adopting = adopting(database);
        return Flyway.configure(OutboxSchema.class.getClassLoader())
                .dataSource(database)
                .table(HISTORY)
                .resourceProvider(new ListedMigrations(OutboxSchema.class.getClassLoader(), LOCATION, MIGRATIONS))
                .placeholders(Map.of("make_slot", String.valueOf(!adopting)))
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .baselineDescription("the service tables before the outbox migrations") // no quote: Flyway writes it into its SQL as it is
                .load()
                .migrate();
    }

    /** Whether the outbox exists and this history does not: an outbox made before the extension ran. */
    private static boolean adopting(DataSource database) {
        try (Connection connection = database.getConnection();
             PreparedStatement exists = connection.prepareStatement(
                     "select to_regclass('outbox') is not null and to_regclass('" + HISTORY + "') is null");
             ResultSet row = exists.executeQuery()) {
            return row.next() && row.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException("could not look for the outbox's table: " + e.getMessage(), e);
        }
    }
}
