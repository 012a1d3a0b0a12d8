package dev.agentdojo.service.outbox;

import dev.agentdojo.bus.Bridge;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Moves the events committed to the {@linkplain TransactionalOutbox outbox} to the broker: an
 * embedded Debezium engine reads the outbox's inserts from PostgreSQL's write-ahead log (logical
 * decoding, {@code pgoutput}, publication {@code agentdojo_outbox}), its outbox event router makes
 * each row a record (key: the chain's id; value: the event's envelope; headers: the event's id,
 * source and instance), and the relay {@linkplain Bridge#publish publishes} them in commit order.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Nothing lost, in order.</b> Events reach the topic in the order their transactions
 *       committed, so one chain's events stay in order. The position read up to is the replication
 *       slot's ({@code agentdojo_outbox_<database>}, created by the service's migration before any
 *       event is written): PostgreSQL keeps the log from there, and it moves on only once the
 *       broker acknowledged everything before it. A batch the broker did not take is sent again
 *       (at least once: a record can reach the topic twice, with the same event id).</li>
 *   <li><b>One relay per service.</b> Of several instances, the one that holds the service's
 *       PostgreSQL advisory lock (on a connection of its own) relays; the others try to take it
 *       every {@code service.outbox.retry-wait} and do so within seconds of the relaying one
 *       stopping or dying, since its lock ends with its connection. A relay that loses that
 *       connection stops. The replication slot, which serves one reader at a time, guards the same
 *       rule a second time.</li>
 *   <li><b>Recovers by itself.</b> When the database or the broker goes away, the relay waits and
 *       starts again from the slot's position.</li>
 * </ul>
 * Runs on a thread of its own ({@code outbox-relay}); stops with the application.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** How long the leader's lock connection may take to answer before the relay gives way. */
    private static final Duration LEADER_CHECK_TIMEOUT = Duration.ofSeconds(8);

    private final Bridge bridge;
    private final OutboxConfig config;
    private final RelaySettings settings;
    private volatile boolean stopped;
    private volatile boolean relaying;
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private Thread thread;

    OutboxRelay(Bridge bridge, OutboxConfig config, Config settings) {
        this.bridge = bridge;
        this.config = config;
        this.settings = new RelaySettings(settings, config, LEADER_CHECK_TIMEOUT);
    }

    /** The replication slot a service's migration creates for database {@code database}. */
    public static String slotName(String database) {
        return RelaySettings.slotName(database);
    }

    void start(@Observes StartupEvent started) {
        if (!config.relay()) {
            LOG.info("Outbox relay off (service.outbox.relay=false): another instance or Kafka Connect relays the outbox");
            return;
        }
        Properties properties = settings.engine();
        thread = new Thread(() -> run(properties), "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent stopping) {
        stopped = true;
        DebeziumEngine<?> running = engine;
        if (running != null) {
            try {
                running.close();
            } catch (IOException | RuntimeException e) {
                LOG.debugf("The outbox relay's engine did not close cleanly: %s", e);
            }
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether this instance's relay holds the slot and is sending committed events on. */
    public boolean isRelaying() {
        return relaying;
    }

    private void run(Properties properties) {
        String lastState = null;
        while (!stopped) {
            String state;
            try (Connection lock = DriverManager.getConnection(settings.jdbcUrl, settings.leaderConnection())) {
                state = leads(lock) ? relayWhileLeading(lock, properties) : "another instance relays; this one stands by";
            } catch (SQLException e) {
                state = "the database does not answer (" + e.getMessage() + ")";
            } catch (InterruptedException e) {
                break;
            }
            relaying = false;
            if (stopped) {
                break;
            }
            if (!state.equals(lastState)) {
                LOG.infof("Outbox relay not running here, tried again every %d ms: %s", config.retryWait().toMillis(), state);
                lastState = state;
            }
            try {
                Thread.sleep(config.retryWait().toMillis()); // on the relay's own thread
            } catch (InterruptedException e) {
                break;
            }
        }
    }

    /**
     * Whether this instance leads: it holds the service's advisory lock, on a connection of its own,
     * as long as that connection lives (a crashed instance's ends with its process).
     */
    private static boolean leads(Connection lock) throws SQLException {
        try (PreparedStatement take = lock.prepareStatement("select pg_try_advisory_lock(hashtext(?))")) {
            take.setString(1, RelaySettings.PUBLICATION + ":" + lock.getCatalog());
            try (ResultSet row = take.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    /** Runs the engine while this instance leads; answers why it stopped. */
    private String relayWhileLeading(Connection lock, Properties properties) throws InterruptedException {
        String[] problem = new String[1];
        DebeziumEngine<RecordChangeEvent<SourceRecord>> running = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(properties)
                .using(OutboxRelay.class.getClassLoader())
                .using((success, message, error) -> {
                    if (!success) {
                        problem[0] = why(message, error);
                    }
                })
                .notifying(this::relay)
                .build();
        engine = running;
        ExecutorService runner = Executors.newSingleThreadExecutor(work -> new Thread(work, "outbox-relay-engine"));
        Future<?> done = runner.submit(running);
        relaying = true;
        LOG.info("Outbox relay running: this instance sends the committed events on");
        try {
            while (!stopped && !done.isDone()) {
                try {
                    done.get(config.retryWait().toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillRunning) {
                    if (!lock.isValid((int) Math.max(1, LEADER_CHECK_TIMEOUT.toSeconds()))) {
                        return "its connection to the database was lost";
                    }
                } catch (ExecutionException failed) {
                    return why(null, failed.getCause());
                }
            }
            return problem[0] == null ? "it stopped" : problem[0];
        } catch (SQLException e) {
            return "its connection to the database was lost (" + e.getMessage() + ")";
        } finally {
            relaying = false;
            boolean interrupted = Thread.interrupted(); // let the engine's thread finish before this one goes
            try {
                running.close();
            } catch (IOException | RuntimeException e) {
                LOG.debugf("The outbox relay's engine did not close cleanly: %s", e);
            }
            runner.shutdown();
            runner.awaitTermination(10, TimeUnit.SECONDS);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One batch of committed events: sent in order, marked processed once the broker has all of them. */
    private void relay(List<RecordChangeEvent<SourceRecord>> batch, DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        long wait = 100;
        while (true) {
            List<CompletableFuture<Void>> sent = new ArrayList<>(batch.size());
            for (RecordChangeEvent<SourceRecord> change : batch) {
                SourceRecord record = change.record();
                if (record.value() instanceof String envelope) {
                    sent.add(bridge.publish(String.valueOf(record.key()), envelope, headers(record)).toCompletableFuture());
                }
            }
            try {
                // the producer settles each record within its delivery.timeout.ms; this bound only guards against a lost answer
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
                break;
            } catch (ExecutionException | TimeoutException e) {
                if (stopped) {
                    throw new InterruptedException("the application stops");
                }
                LOG.warnf("The broker did not take %d relayed events; sent again in %d ms: %s", sent.size(), wait,
                        e instanceof ExecutionException ? e.getCause() : e);
                Thread.sleep(wait);
                wait = Math.min(wait * 2, 5_000);
            }
        }
        for (RecordChangeEvent<SourceRecord> change : batch) {
            committer.markProcessed(change);
        }
        committer.markBatchFinished();
    }

    /** Why the engine stopped, in a line: the deepest cause's message; a sibling relaying, said so. */
    private static String why(String message, Throwable error) {
        Throwable root = error;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            if (String.valueOf(root.getMessage()).contains("is active for PID")) {
                break;
            }
            root = root.getCause();
        }
        String text = root == null || root.getMessage() == null ? String.valueOf(message) : root.getMessage();
        if (text.contains("is active for PID")) {
            return "another instance relays (it holds the replication slot); this one stands by";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static Map<String, String> headers(SourceRecord record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            if (header.value() != null) {
                headers.put(header.key(), header.value().toString());
            }
        }
        return headers;
    }
}
