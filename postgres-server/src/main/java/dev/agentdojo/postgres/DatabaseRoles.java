package dev.agentdojo.postgres;

import dev.agentdojo.local.Credentials;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Function;

/**
 * Makes each database of the local server owned by a role of its name — login, replication for the
 * outbox relay, no superuser — that alone may connect to it, and writes the role's {@code NAME.env}.
 */
final class DatabaseRoles {

    private final Path dir;
    private final int port;
    private final Credentials credentials;
    private final String superuser;
    private final Function<String, String> jdbcUrl;

    DatabaseRoles(Path dir, int port, Credentials credentials, String superuser, Function<String, String> jdbcUrl) {
        this.dir = dir;
        this.port = port;
        this.credentials = credentials;
        this.superuser = superuser;
        this.jdbcUrl = jdbcUrl;
    }

    /**
     * Creates each database and its owner role if missing, on the superuser's connection {@code c};
     * makes a database the role's if it was made before roles (its objects too), and lets no one
     * else connect.
     */
    void create(Connection c, List<String> databases) throws SQLException {
        for (String database : databases) {
            String password = credentials.password(database);
            try (Statement s = c.createStatement()) {
                if (!exists(c, "select 1 from pg_roles where rolname = ?", database)) {
                    s.execute("create role " + database + " login replication nosuperuser nocreatedb nocreaterole");
                }
                s.execute("alter role " + database + " password '" + password + "'");
                if (!exists(c, "select 1 from pg_database where datname = ?", database)) {
                    s.execute("create database " + database + " owner " + database);
                } else if (!exists(c, "select 1 from pg_database d join pg_roles r on r.oid = d.datdba where d.datname = ? and r.rolname <> 'postgres'", database)) {
                    handOver(database);
                }
                s.execute("revoke all on database " + database + " from public");
            }
            writeEnv(database, password);
        }
    }

    /** Gives a database made by the superuser, and everything in its schema public, to its role. */
    private void handOver(String database) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl.apply(database), superuser, credentials.password(superuser)); Statement s = c.createStatement()) {
            s.execute("alter database " + database + " owner to " + database);
            s.execute("alter schema public owner to " + database);
            List<String> statements = new java.util.ArrayList<>();
            try (ResultSet rs = s.executeQuery("""
                    select 'alter table public.' || quote_ident(tablename) || ' owner to ' from pg_tables where schemaname = 'public'
                    union all select 'alter sequence public.' || quote_ident(sequencename) || ' owner to ' from pg_sequences where schemaname = 'public'
                    union all select 'alter publication ' || quote_ident(pubname) || ' owner to ' from pg_publication""")) {
                while (rs.next()) {
                    statements.add(rs.getString(1) + database);
                }
            }
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static boolean exists(Connection c, String query, String name) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(query)) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void writeEnv(String database, String password) {
        Path env = dir.resolve(database + ".env");
        try {
            Credentials.writePrivate(env, String.join("\n",
                    "# the owner of database " + database + " on the local PostgreSQL, for a service: set -a; . " + env + "; set +a",
                    "PG_PORT=" + port,
                    "PG_USER=" + database,
                    "PG_PASSWORD=" + password,
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
