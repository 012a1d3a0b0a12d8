package dev.agentdojo.postgres;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code scripts/postgres-init.sh}, which the postgres container of docker-compose.yml runs on its
 * volume's first start, run here with this machine's {@code psql} against the local server: each
 * role's password reaches psql on its standard input, never as an argument (anyone on the machine
 * reads every process's arguments, {@code ps -ef}), and is the role's password exactly, whatever it
 * holds (quotes, backslashes, psql's own {@code :'variable'} syntax).
 */
class PostgresInitScriptTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("..").normalize();

    @TempDir
    Path work;

    @Test
    void eachRoleGetsItsPasswordWithoutItOnPsqlsCommandLine() throws Exception {
        Optional<Path> psql = onPath("psql");
        assumeTrue(psql.isPresent(), "no psql on PATH");
        Map<String, String> passwords = Map.of(
                "orders", "it's \\ a \"test\" $HOME :'password' ; --",
                "payments", "''\\'' `true` \\set x");
        LocalPostgres pg = LocalPostgres.start(work.resolve("postgres"), LocalPostgres.freePort());
        try {
            // psql as the script finds it: the real one, after its arguments are written down
            Path bin = Files.createDirectories(work.resolve("bin"));
            Path argv = work.resolve("psql-argv.txt");
            Files.writeString(bin.resolve("psql"), "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" >> \"$PSQL_ARGV\"\nexec '"
                    + psql.get() + "' \"$@\"\n");
            Files.setPosixFilePermissions(bin.resolve("psql"), PosixFilePermissions.fromString("rwx------"));
            Path output = work.resolve("init.log");
            ProcessBuilder script = new ProcessBuilder("bash", ROOT.resolve("scripts/postgres-init.sh").toString())
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            Map<String, String> env = script.environment();
            env.put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
            env.put("PSQL_ARGV", argv.toString());
            env.put("PSQLRC", "/dev/null");
            // as in the container: the superuser, the server (here over TCP, with its password)
            env.put("POSTGRES_USER", LocalPostgres.USER);
            env.put("PGHOST", "127.0.0.1");
            env.put("PGPORT", String.valueOf(pg.port()));
            env.put("PGPASSWORD", pg.password(LocalPostgres.USER));
            env.put("PG_PASSWORD_ORDERS", passwords.get("orders"));
            env.put("PG_PASSWORD_PAYMENTS", passwords.get("payments"));
            Process process = script.start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(Files.readString(output)).isZero();

            String arguments = Files.readString(argv);
            assertThat(arguments).as("psql was run").contains("postgres");
            for (String password : passwords.values()) {
                assertThat(arguments).doesNotContain(password);
            }

            // each role logs in to its database with its password (the local server lets only the superuser in so far)
            Files.writeString(work.resolve("postgres/data/pg_hba.conf"),
                    "host orders orders 127.0.0.1/32 scram-sha-256\nhost payments payments 127.0.0.1/32 scram-sha-256\n",
                    StandardOpenOption.APPEND);
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), LocalPostgres.USER, pg.password(LocalPostgres.USER));
                 Statement s = c.createStatement()) {
                s.execute("select pg_reload_conf()");
            }
            for (Map.Entry<String, String> role : passwords.entrySet()) {
                try (Connection c = DriverManager.getConnection(pg.jdbcUrl(role.getKey()), role.getKey(), role.getValue());
                     Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("select current_user, rolsuper, rolreplication from pg_roles where rolname = current_user")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo(role.getKey());
                    assertThat(rs.getBoolean(2)).as("not a superuser").isFalse();
                    assertThat(rs.getBoolean(3)).as("may read its database's log (the outbox relay)").isTrue();
                }
            }
        } finally {
            pg.stop();
        }
    }

    private static Optional<Path> onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, command))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
