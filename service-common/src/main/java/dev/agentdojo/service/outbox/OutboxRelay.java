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
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
 *   <li><b>One relay per service.</b> A replication slot serves one reader at a time: of several
 *       instances, one relays, the others try to take over every {@code service.outbox.retry-wait}
 *       and do so within seconds of the relaying one stopping or dying.</li>
 *   <li><b>Recovers by itself.</b> When the database or the broker goes away, the relay waits and
 *       starts again from the slot's position.</li>
 * </ul>
 * Runs on a thread of its own ({@code outbox-relay}); stops with the application.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** The publication the service's migration creates: the outbox's inserts, nothing else. */
    static final String PUBLICATION = "agentdojo_outbox";

    private final Bridge bridge;
    private final OutboxConfig config;
    private final Config settings;
    private volatile boolean stopped;
    private volatile boolean relaying;
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private Thread thread;

    OutboxRelay(Bridge bridge, OutboxConfig config, Config settings) {
        this.bridge = bridge;
        this.config = config;
        this.settings = settings;
    }

    /** The replication slot a service's migration creates for database {@code database}. */
    public static String slotName(String database) {
        return "agentdojo_outbox_" + database;
    }

    void start(@Observes StartupEvent started) {
        if (!config.relay()) {
            LOG.info("Outbox relay off (service.outbox.relay=false): another instance or Kafka Connect relays the outbox");
            return;
        }
        Properties properties = engineProperties();
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
            } catch (IOException e) {
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
        String lastProblem = null;
        while (!stopped) {
            String[] problem = new String[1];
            engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(properties)
                    .using(OutboxRelay.class.getClassLoader())
                    .using((success, message, error) -> {
                        if (!success) {
                            problem[0] = error == null ? message : error.getMessage();
                        }
                    })
                    .using(new DebeziumEngine.ConnectorCallback() {
                        @Override
                        public void taskStarted() {
                            relaying = true;
                            LOG.info("Outbox relay running: this instance sends the committed events on");
                        }
                    })
                    .notifying(this::relay)
                    .build();
            engine.run(); // returns when the engine stops: on close, or when it failed
            relaying = false;
            if (stopped) {
                break;
            }
            String now = problem[0] == null ? "stopped" : problem[0];
            if (!now.equals(lastProblem)) {
                LOG.infof("Outbox relay not running (tried again every %d ms): %s", config.retryWait().toMillis(), now);
                lastProblem = now;
            }
            try {
                Thread.sleep(config.retryWait().toMillis()); // on the relay's own thread
            } catch (InterruptedException e) {
                break;
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
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
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

    private static Map<String, String> headers(SourceRecord record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            if (header.value() != null) {
                headers.put(header.key(), header.value().toString());
            }
        }
        return headers;
    }

    private Properties engineProperties() {
        URI url = URI.create(settings.getValue("quarkus.datasource.jdbc.url", String.class).substring("jdbc:".length()));
        String database = url.getPath().substring(1);
        String topic = settings.getOptionalValue("mp.messaging.outgoing." + Bridge.OUTGOING + ".topic", String.class)
                .orElse("agent-dojo.events");
        Properties p = new Properties();
        p.setProperty("name", "outbox-relay-" + database);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        // The slot keeps the position (PostgreSQL holds the log from it); the engine's own offsets need not outlive it.
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("database.hostname", url.getHost());
        p.setProperty("database.port", String.valueOf(url.getPort() < 0 ? 5432 : url.getPort()));
        p.setProperty("database.dbname", database);
        p.setProperty("database.user", settings.getOptionalValue("quarkus.datasource.username", String.class).orElse("postgres"));
        p.setProperty("database.password", settings.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
        p.setProperty("topic.prefix", "agentdojo-" + database);
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", slotName(database));
        p.setProperty("publication.name", PUBLICATION);
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("table.include.list", "public.outbox");
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("poll.interval.ms", String.valueOf(Math.max(1, config.pollInterval().toMillis())));
        // A slot in use by a sibling: the engine gives up soon, and run() tries again every retry-wait.
        p.setProperty("slot.max.retries", "1");
        p.setProperty("slot.retry.delay.ms", String.valueOf(config.retryWait().toMillis()));
        p.setProperty("errors.max.retries", "0");
        p.setProperty("transforms", "outbox");
        p.setProperty("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
        p.setProperty("transforms.outbox.route.topic.replacement", topic);
        p.setProperty("transforms.outbox.table.fields.additional.placement",
                "id:header:agent-dojo-event-id,source:header:agent-dojo-source,instance:header:agent-dojo-instance");
        return p;
    }
}
