package dev.agentdojo.benchmarks;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The floor: per order, what the chain must do and nothing more, in plain JDBC and kafka-clients,
 * against the broker and PostgreSQL of {@code scripts/load.sh}, with the services' logins — so that
 * the stack's CPU per order can be read as a ratio to it, measured in the same run
 * ({@code FLOOR=1 scripts/load.sh}; BENCHMARKS.md, "A floor measured in the same run").
 *
 * <p>Two processes, one per service, each with its service's Kafka principal and database role:
 * {@code order} ({@link FloorOrders}: places orders at a fixed rate, open loop, as {@code OrderLoad}
 * posts them, and settles them) and {@code payment} ({@link FloorPayments}). The same rows are
 * written and committed as the services write them, batched as their group commits batch; the same
 * records are produced (one Kafka transaction per relayed batch, {@code acks=all}, idempotent) and
 * consumed ({@code read_committed}, the services' consumer groups). Left out, being the stack's own
 * mechanism and not the chain's work: HTTP, the bus, validation, the audit log, metrics, Debezium
 * reading the outbox's rows back from the write-ahead log (the floor sends what it committed
 * itself, after the commit). Two more roles: {@code observer} reads both topics as
 * {@code OrderLoad}'s reader does (so the broker serves the same readers; not counted, as the load
 * generator is not), and {@code reset} empties the services' tables and drops the relays'
 * replication slots once the services are stopped.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.agentdojo.benchmarks.Floor payment --kafka-dir target/load/kafka --pg-dir target/load/postgres --pg-port 15432
 * java -cp benchmarks/target/benchmarks.jar dev.agentdojo.benchmarks.Floor order   --kafka-dir … --pg-dir … --pg-port 15432 \
 *      --rate 2000 --warmup 120 [--warmup-rate 2000] --seconds 30 --in-flight 512 --signals target/load/floor
 * </pre>
 *
 * <p>{@code order} runs the warm-up, writes {@code SIGNALS.warm}, waits for {@code SIGNALS.go}
 * (load.sh takes the processes' CPU time in between), runs the measured load, prints its report,
 * writes {@code SIGNALS.done} and waits to be stopped, so its CPU time can still be read.
 */
public final class Floor {

    static final String ORDERS_TOPIC = "agent-dojo.orders";
    static final String PAYMENTS_TOPIC = "agent-dojo.payments";

    private Floor() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: Floor order|payment|observer|reset --kafka-dir DIR --pg-dir DIR --pg-port PORT [...]");
            System.exit(2);
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String kafka = options.getOrDefault("kafka-dir", "target/load/kafka");
        String pgDir = options.getOrDefault("pg-dir", "target/load/postgres");
        int pgPort = Integer.parseInt(options.getOrDefault("pg-port", "15432"));
        switch (args[0]) {
            case "order" -> new FloorOrders(login(kafka, "order-service"), database(pgDir, pgPort, "orders"),
                    database(pgDir, pgPort, "orders")).run(Integer.parseInt(options.getOrDefault("rate", "2000")),
                    Integer.parseInt(options.getOrDefault("warmup-rate", options.getOrDefault("rate", "2000"))),
                    Integer.parseInt(options.getOrDefault("warmup", "120")), Integer.parseInt(options.getOrDefault("seconds", "30")),
                    Integer.parseInt(options.getOrDefault("in-flight", "512")), Path.of(options.getOrDefault("signals", "target/load/floor")));
            case "payment" -> new FloorPayments(login(kafka, "payment-service"), database(pgDir, pgPort, "payments"),
                    database(pgDir, pgPort, "payments"), database(pgDir, pgPort, "payments")).run();
            case "observer" -> observe(login(kafka, "observer"));
            case "reset" -> reset(pgDir, pgPort);
            default -> throw new IllegalArgumentException("unknown role " + args[0]);
        }
    }

    /** A Java Kafka client's properties of the local broker's principal (its login). */
    static Properties login(String kafkaDir, String principal) {
        return OrderLoad.login(kafkaDir + "/" + principal + ".client.properties");
    }

    /** A connection to {@code database} as its owner role, with the password the local server wrote to {@code PG_DIR/DATABASE.env}. */
    static Connection database(String pgDir, int port, String database) throws IOException, SQLException {
        Properties login = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(pgDir, database + ".env"))) {
            login.load(in);
        }
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database,
                login.getProperty("PG_USER"), login.getProperty("PG_PASSWORD"));
    }

    /** An event's JSON envelope, as the bridge writes it; {@code args} is the args' JSON array without its brackets. */
    static String envelope(String id, String name, String args, Instant at, String source, String correlation, String causation) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"args\":[" + args + "],\"timestamp\":\"" + at
                + "\",\"source\":\"" + source + "\",\"correlationId\":\"" + correlation + "\",\"causationId\":"
                + (causation == null ? "null" : "\"" + causation + "\"") + "}";
    }

    /** Reads both topics from their end, without a group, as {@code OrderLoad}'s reader does, until stopped. */
    private static void observe(Properties login) {
        Properties settings = new Properties();
        settings.putAll(login);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = java.util.stream.Stream.of(ORDERS_TOPIC, PAYMENTS_TOPIC)
                    .flatMap(topic -> consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            while (true) {
                consumer.poll(Duration.ofMillis(200)); // read and dropped: the floor times its orders itself
            }
        }
    }

    /**
     * Empties the services' tables and drops the relays' replication slots (the services stopped):
     * the floor starts from empty tables, as the stack did, and no slot holds the log for a relay
     * that does not run. As the server's superuser, whose password the local server keeps.
     */
    private static void reset(String pgDir, int port) throws IOException, SQLException {
        Properties passwords = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(pgDir, "credentials.properties"))) {
            passwords.load(in);
        }
        Map<String, String> tables = Map.of("orders", "orders, order_events, idempotency_keys, outbox",
                "payments", "payments, gateway_charges, outbox");
        for (Map.Entry<String, String> database : tables.entrySet()) {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database.getKey(),
                    "postgres", passwords.getProperty("postgres")); Statement s = c.createStatement()) {
                s.execute("truncate " + database.getValue());
                s.execute("select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = current_database() and not active");
                s.execute("vacuum analyze");
            }
        }
    }
}
