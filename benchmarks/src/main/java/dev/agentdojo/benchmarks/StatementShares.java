package dev.agentdojo.benchmarks;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;

/**
 * PostgreSQL's time by statement, from {@code pg_stat_statements} on the local server of
 * {@code scripts/postgres.sh} started with {@code PG_STATEMENTS=1}: {@code reset} before a measured
 * run, {@code report ORDERS} after it prints, as Markdown, each statement's calls per order, its
 * execution time per order and its share of all statements' time. {@code scripts/load.sh PROFILE=1}
 * runs both.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.agentdojo.benchmarks.StatementShares PG_DIR PORT reset|report [ORDERS]</pre>
 */
public final class StatementShares {

    private StatementShares() {
    }

    public static void main(String[] args) throws IOException, SQLException {
        if (args.length < 3 || !(args[2].equals("reset") || args[2].equals("report"))) {
            System.err.println("usage: StatementShares PG_DIR PORT reset|report [ORDERS]");
            System.exit(2);
        }
        Properties passwords = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0], "credentials.properties"))) {
            passwords.load(in);
        }
        String url = "jdbc:postgresql://127.0.0.1:" + Integer.parseInt(args[1]) + "/postgres";
        try (Connection c = DriverManager.getConnection(url, "postgres", passwords.getProperty("postgres"));
                Statement s = c.createStatement()) {
            s.execute("create extension if not exists pg_stat_statements");
            if (args[2].equals("reset")) {
                s.execute("select pg_stat_statements_reset()");
                return;
            }
            long orders = args.length > 3 ? Long.parseLong(args[3]) : 1;
            report(s, Math.max(1, orders));
        }
    }

    private static void report(Statement s, long orders) throws SQLException {
        try (ResultSet r = s.executeQuery("""
                select d.datname, regexp_replace(p.query, '\\s+', ' ', 'g') as query, p.calls, p.total_exec_time,
                       p.total_exec_time / nullif(sum(p.total_exec_time) over (), 0) as share
                from pg_stat_statements p join pg_database d on d.oid = p.dbid
                where d.datname <> 'postgres'
                order by p.total_exec_time desc limit 20""")) {
            System.out.printf(Locale.ROOT, "| database | statement | calls per order | ms per order | share of statements' time |%n|---|---|---|---|---|%n");
            while (r.next()) {
                String query = r.getString("query");
                if (query.length() > 110) {
                    query = query.substring(0, 107) + "...";
                }
                System.out.printf(Locale.ROOT, "| %s | `%s` | %.2f | %.3f | %.1f %% |%n", r.getString("datname"),
                        query.replace("|", "\\|"), (double) r.getLong("calls") / orders,
                        r.getDouble("total_exec_time") / orders, 100 * r.getDouble("share"));
            }
        }
    }
}
