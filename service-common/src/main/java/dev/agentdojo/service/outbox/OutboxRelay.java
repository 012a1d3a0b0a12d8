package dev.agentdojo.service.outbox;

import dev.agentdojo.bus.Bridge;
import dev.agentdojo.bus.bridge.EventBridge;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.io.IOException;
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
 *       (at least once: a record can reach the topic twice, with the same event id). After records
 *       the broker refused, each retried by the connector on its own, one chain's events may reach
 *       the topic in another order (README, Limits).</li>
 *   <li><b>One relay per service, also when one freezes.</b> Of several instances, the one that
 *       holds the outbox's {@linkplain RelayLease lease} relays; the others ask for it every
 *       {@code service.outbox.retry-wait}. The lease ends by itself within {@code service.outbox.lease}
 *       of its holder crashing, freezing or being cut off, and a sibling takes over; a holder that
 *       wakes up after losing it sends nothing more (it checks the lease before each record). The
 *       replication slot, which serves one reader at a time, guards the same rule a second time.</li>
 *   <li><b>Never a silent fresh slot.</b> The relay starts only on the slot the migration made;
 *       when it is missing (a failover, a restore, dropped by hand), nothing is relayed, readiness
 *       is DOWN and the log says why and what to do — Debezium would make a new slot at the current
 *       position and skip every event committed in between. A heartbeat every 10 s moves the slot
 *       on between outbox events, so it does not hold back the log the rest of the database writes.</li>
 *   <li><b>Never blocked unseen.</b> A record the broker refuses (a missing topic or ACL, a size
 *       limit) is tried again until it goes through — those the broker took are not sent
 *       again — with readiness DOWN and the reason in the log and in {@code /q/health/ready}
 *       meanwhile (a broker that is merely away is waited for, and is not a reason); the
 *       gauges {@code agentdojo_outbox_waiting_events}, {@code _waiting_bytes},
 *       {@code _waiting_oldest_seconds} and {@code agentdojo_outbox_slot_lag_bytes} show what
 *       waits.</li>
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

    /** How long a record the broker refuses waits before it is sent again, at first; twice as long each time after. */
    private static final Duration RESEND_FIRST_WAIT = Duration.ofMillis(100);
    private static final Duration RESEND_MAX_WAIT = Duration.ofSeconds(5);
    /** How long a record may go unanswered by the producer (which settles each within its delivery timeout) before it counts as lost. */
    private static final Duration LOST_ANSWER = Duration.ofMinutes(10);
    /** How often the slot's lag is read. */
    private static final Duration LAG_EVERY = Duration.ofSeconds(5);

    private final Bridge bridge;
    private final OutboxConfig config;
    private final RelaySettings settings;
    private final RelayLease lease;
    private final String slot;
    private final RelayBacklog backlog;
    private final SendErrors sendErrors;
    private volatile boolean stopped;
    private volatile boolean relaying;
    /** Why the relay cannot start: its slot is missing; null when it can. */
    private volatile String slotProblem;
    /** Why the relay is blocked: the broker refuses events; null when it is not. */
    private volatile String sendProblem;
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    /** System.nanoTime() when the slot's lag was last read; touched by the relay's own thread only. */
    private long lagReadAt = System.nanoTime() - LAG_EVERY.toNanos() - 1;
    private Thread thread;

    OutboxRelay(Bridge bridge, OutboxConfig config, Config settings, MeterRegistry registry, Instance<KafkaClientService> kafka) {
        this.bridge = bridge;
        this.config = config;
        this.settings = new RelaySettings(settings, config, LEADER_CHECK_TIMEOUT);
        if (config.lease().compareTo(config.retryWait().multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("service.outbox.lease must be at least three times service.outbox.retry-wait, were "
                    + config.lease() + " and " + config.retryWait());
        }
        this.lease = new RelayLease(this.settings.jdbcUrl, this.settings.leaderConnection(), config.lease(), LEADER_CHECK_TIMEOUT);
        this.slot = this.settings.slot();
        this.backlog = new RelayBacklog(registry);
        this.sendErrors = new SendErrors(kafka.isResolvable() ? kafka.get() : null);
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

    /**
     * Why the relay cannot do its job right now — the slot is missing, or the broker refuses a
     * record — or null: it relays, or stands by while a sibling does, or waits for the database.
     */
    public String problem() {
        String slotMissing = slotProblem;
        return slotMissing != null ? slotMissing : sendProblem;
    }

    private void run(Properties properties) {
        String lastState = null;
        try {
            while (!stopped) {
                String state;
                try {
                    if (lease.tryTake()) { // renews it when held: a relay that stopped starts again if it still holds it
                        state = relayWhileLeading(properties);
                    } else {
                        state = "another instance relays; this one stands by";
                    }
                } catch (SQLException e) {
                    lease.close();
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
                readSlotLagNowAndThen();
                try {
                    Thread.sleep(config.retryWait().toMillis()); // on the relay's own thread
                } catch (InterruptedException e) {
                    break;
                }
            }
        } finally {
            lease.close();
        }
    }

    /** Runs the engine while this instance holds the lease, renewing it; answers why it stopped. */
    private String relayWhileLeading(Properties properties) throws InterruptedException, SQLException {
        if (!lease.takeSlot(slot)) {
            String missing = "the replication slot " + slot + " is missing, so nothing is relayed: events committed since it was lost "
                    + "would be skipped by a new one. Create it (select pg_create_logical_replication_slot('" + slot + "', 'pgoutput')) "
                    + "once you know what those events became; the relay starts on it by itself";
            if (!missing.equals(slotProblem)) {
                LOG.error("Outbox relay stopped: " + missing);
            }
            slotProblem = missing;
            return missing;
        }
        slotProblem = null;
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
                    if (!lease.renew()) {
                        return "it lost its lease (its session with the database ended or did not answer)";
                    }
                    readSlotLagNowAndThen();
                } catch (ExecutionException failed) {
                    return why(null, failed.getCause());
                }
            }
            return problem[0] == null ? "it stopped" : problem[0];
        } finally {
            relaying = false;
            sendProblem = null; // whatever blocked this relay, it is not this instance's to report once it stopped
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

    /**
     * One batch of committed events: sent in order, each sent again alone until the broker takes it,
     * and marked processed once the broker has all of them. Sends nothing once the lease is not held.
     */
    private void relay(List<RecordChangeEvent<SourceRecord>> batch, DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        List<SourceRecord> pending = new ArrayList<>(batch.size());
        long bytes = 0;
        for (RecordChangeEvent<SourceRecord> change : batch) {
            if (change.record().value() instanceof String envelope) { // else a heartbeat: nothing to send
                pending.add(change.record());
                bytes += envelope.length();
            }
        }
        backlog.holding(pending.size(), bytes);
        long errorsBefore = sendErrors.count();
        long wait = RESEND_FIRST_WAIT.toMillis();
        try {
            while (!pending.isEmpty()) {
                List<CompletableFuture<Void>> sent = new ArrayList<>(pending.size());
                for (SourceRecord record : pending) {
                    fence();
                    sent.add(bridge.publish(String.valueOf(record.key()), (String) record.value(), headers(record)).toCompletableFuture());
                }
                List<SourceRecord> refused = new ArrayList<>(0);
                Throwable reason = null;
                for (int i = 0; i < sent.size(); i++) {
                    try {
                        awaitTaken(sent.get(i), errorsBefore, pending.size() - i);
                        backlog.taken(((String) pending.get(i).value()).length());
                    } catch (ExecutionException | TimeoutException e) {
                        refused.add(pending.get(i));
                        reason = reason == null ? (e instanceof ExecutionException ? e.getCause() : e) : reason;
                    }
                }
                if (refused.isEmpty()) {
                    break;
                }
                if (stopped) {
                    throw new InterruptedException("the application stops");
                }
                blocked("the broker did not take " + refused.size() + " of the committed events (the first: event "
                        + header(refused.get(0), EventBridge.EVENT_ID_HEADER) + "); they are sent again until it takes them, "
                        + "and every later event waits: " + reason);
                Thread.sleep(wait);
                wait = Math.min(wait * 2, RESEND_MAX_WAIT.toMillis());
                pending = refused;
            }
        } finally {
            backlog.holding(0, 0);
        }
        if (sendProblem != null) {
            LOG.info("Outbox relay unblocked: the broker took the events it refused");
            sendProblem = null;
        }
        for (RecordChangeEvent<SourceRecord> change : batch) {
            committer.markProcessed(change);
        }
        committer.markBatchFinished();
    }

    /**
     * Waits until the broker took a record — the connector tries it again meanwhile, for up
     * to the producer's {@code delivery.timeout.ms}. While it waits, a growing count of the producer's
     * send errors means the broker answers and refuses it (an ACL, a missing topic): that is said at
     * once ({@link #blocked}), not after the timeout. A broker that is merely away is waited for.
     */
    private void awaitTaken(CompletableFuture<Void> send, long errorsBefore, int waiting)
            throws ExecutionException, TimeoutException, InterruptedException {
        long lostAfter = System.nanoTime() + LOST_ANSWER.toNanos();
        while (true) {
            try {
                send.get(1, TimeUnit.SECONDS);
                return;
            } catch (TimeoutException notYet) {
                if (System.nanoTime() - lostAfter > 0) {
                    throw notYet;
                }
                long errors = sendErrors.count();
                if (errorsBefore >= 0 && errors > errorsBefore) {
                    blocked("the broker refuses the events sent to " + settings.topic() + ": " + (errors - errorsBefore)
                            + " sends failed while " + waiting + " committed events wait, every later event behind them "
                            + "(the connector's SRMSG18206 lines in the log give the broker's reason: a missing ACL or topic, "
                            + "a size limit)");
                }
            }
        }
    }

    /** The relay is blocked: readiness DOWN with {@code why}, logged when it starts. */
    private void blocked(String why) {
        if (sendProblem == null) {
            LOG.error("Outbox relay blocked: " + why);
        }
        sendProblem = why;
    }

    /** Sends nothing without the lease: a relay that froze and lost it stops here when it wakes up. */
    private void fence() throws InterruptedException {
        if (!lease.held()) {
            throw new InterruptedException("this instance no longer holds the outbox's lease: it sends nothing more");
        }
    }

    /** Reads the slot's lag for its gauge, every {@link #LAG_EVERY} at most; on the relay's own thread. */
    private void readSlotLagNowAndThen() {
        if (System.nanoTime() - lagReadAt > LAG_EVERY.toNanos()) {
            backlog.slotLag(lease.slotLagBytes(slot));
            lagReadAt = System.nanoTime();
        }
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

    private static String header(SourceRecord record, String name) {
        Header header = record.headers().lastWithName(name);
        return header == null || header.value() == null ? "?" : header.value().toString();
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
