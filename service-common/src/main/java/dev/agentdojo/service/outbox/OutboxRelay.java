package dev.agentdojo.service.outbox;

import dev.agentdojo.bus.Bridge;
import dev.agentdojo.bus.bridge.EventBridge;
import dev.agentdojo.bus.bridge.EventTraces;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

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
 *       broker has everything before it. A batch is one Kafka transaction: the broker takes all of
 *       it or none, and one it did not take is sent again whole, in order (at least once: after a
 *       takeover, what the former relay committed in its last second can reach the topic twice, with
 *       the same event ids).</li>
 *   <li><b>One relay per service, fenced by the broker.</b> Of several instances, the one that
 *       holds the outbox's {@linkplain RelayLease lease} relays; the others ask for it every
 *       {@code service.outbox.retry-wait}. The lease ends by itself within {@code service.outbox.lease}
 *       of its holder crashing, freezing or being cut off, and a sibling takes over. Taking over, it
 *       opens the topic with the service's transactional id ({@link TransactionalTopic}), and the
 *       broker fences every older relay: whatever a deposed one still holds (in its engine, its
 *       producer's buffer or retries) can no longer reach a consumer reading committed records.
 *       It also checks its lease before each batch, and the replication slot, which serves one
 *       reader at a time, guards the same rule once more.</li>
 *   <li><b>Never a silent fresh slot, nor a silent gap.</b> The relay starts only on the slot the
 *       migration made; when it is missing (a failover, a restore, dropped by hand), nothing is
 *       relayed, readiness is DOWN and the log says why and what to do — Debezium would make a new
 *       slot at the current position and skip every event committed in between. Nor does a slot
 *       lost between that check and the engine's start pass unseen: the relay reads the slot's
 *       position first, and sends nothing until the engine holds the slot at that very position; a
 *       slot ahead of it was made anew by the engine, and is dropped again, so that the relay stops as
 *       for a missing one. The outbox must be
 *       in the publication (checked before the engine starts and every 5 s): a table outside it is
 *       not decoded, and its events would be skipped without a word. A heartbeat every 10 s moves
 *       the slot on between outbox events, so it does not hold back the log the rest of the
 *       database writes.</li>
 *   <li><b>Never stopped unseen.</b> A batch the broker refuses (an ACL, a size limit) is tried
 *       again until it goes through, with readiness DOWN and the reason in the log and in
 *       {@code /q/health/ready} meanwhile (a broker that is merely away is waited for). Any other
 *       reason the relay cannot run (the engine fails: the role lost {@code REPLICATION},
 *       {@code pg_hba}, no free WAL sender; the broker refuses the login or the transactional id;
 *       the outbox left its publication) is readiness DOWN with its cause, one ERROR line and
 *       {@code agentdojo_outbox_relay_failures_total}; an instance that fails to relay for three
 *       leases gives its lease up for one, so that a sibling tries. The gauges
 *       {@code agentdojo_outbox_waiting_events}, {@code _waiting_bytes},
 *       {@code _waiting_oldest_seconds} and {@code agentdojo_outbox_slot_lag_bytes} show what
 *       waits.</li>
 *   <li><b>Recovers by itself.</b> When the database or the broker goes away, or a cause above is
 *       fixed, the relay starts again from the slot's position.</li>
 * </ul>
 * Runs on a thread of its own ({@code outbox-relay}); stops with the application.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final String ANOTHER_RELAYS = "another instance relays";
    /** The Kafka header that names the instance ({@code event-bus.bridge.instance-id}) whose relay put a record on the topic. */
    public static final String RELAY_HEADER = "agent-dojo-relay";
    /** How long the leader's lock connection may take to answer before the relay gives way. */
    private static final Duration LEADER_CHECK_TIMEOUT = Duration.ofSeconds(8);

    /** How long a record the broker refuses waits before it is sent again, at first; twice as long each time after. */
    private static final Duration RESEND_FIRST_WAIT = Duration.ofMillis(100);
    private static final Duration RESEND_MAX_WAIT = Duration.ofSeconds(5);
    /** How often the slot's lag is read. */
    private static final Duration LAG_EVERY = Duration.ofSeconds(5);

    private final Bridge bridge;
    private final OutboxConfig config;
    private final RelaySettings settings;
    private final RelayLease lease;
    private final String slot;
    private final RelayBacklog backlog;
    /** Opens this instance's way to the topic once it leads: fenced by the broker on Kafka. */
    private final Supplier<RelayOutput> outputs;
    private volatile boolean stopped;
    private volatile boolean relaying;
    /** Why the relay cannot start: its slot is missing; null when it can. */
    private volatile String slotProblem;
    /** Why the relay is blocked: the broker refuses events; null when it is not. */
    private volatile String sendProblem;
    /** Set once the engine holds the slot that was checked; until then it sends nothing. */
    private volatile boolean slotVerified;
    /** Set when the running engine is being closed: its batch waiting for the slot's check gives up. */
    private volatile boolean ending;
    /** Set when the broker fenced this relay's producer: a newer relay writes the topic. */
    private volatile boolean deposed;
    private final RelayStatus status;
    /** How long a leading instance may fail to relay before it gives its lease up for a sibling to try. */
    private final Duration handOnAfter;
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    /** System.nanoTime() when the slot's lag was last read; touched by the relay's own thread only. */
    private long lagReadAt = System.nanoTime() - LAG_EVERY.toNanos() - 1;
    private Thread thread;

    OutboxRelay(Bridge bridge, OutboxConfig config, Config settings, MeterRegistry registry, EventTraces traces,
                @Identifier("default-kafka-broker") Instance<Map<String, Object>> kafka) {
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
        this.status = new RelayStatus(registry.counter("agentdojo.outbox.relay.failures"), config.lease(), config.retryWait(),
                System::nanoTime);
        this.handOnAfter = config.lease().multipliedBy(3);
        Duration transactionTimeout = config.lease().multipliedBy(3);
        this.outputs = this.settings.onKafka() && kafka.isResolvable()
                ? () -> new TransactionalTopic(kafka.get(), this.settings.topic(), this.settings.transactionalId(), this.settings.instance(),
                        transactionTimeout, config.lease().dividedBy(2), traces, registry.counter("agentdojo.bridge.published"))
                : () -> new BridgeOutput(bridge);
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
     * Why the relay cannot do its job right now — the slot is missing, the engine failed, the broker
     * refuses a record — or null: it relays, or stands by while a sibling does, or waits for the database.
     */
    public String problem() {
        String slotMissing = slotProblem;
        if (slotMissing != null) {
            return slotMissing;
        }
        String failed = status.problem();
        return failed != null ? failed : sendProblem;
    }

    /**
     * Why the relay stopped running here. {@code failed}: it could not do its job (else it stands by,
     * or lost its lease); {@code mayPass}: the broker did not answer in time, as a new broker's
     * transaction coordinator does while it starts: a failure only once it lasts a lease.
     */
    private record Stopped(String why, boolean failed, boolean mayPass) {
        Stopped(String why, boolean failed) {
            this(why, failed, false);
        }
    }

    private void run(Properties properties) {
        String lastState = null;
        try {
            while (!stopped) {
                Stopped stop;
                try {
                    if (lease.tryTake()) { // renews it when held: a relay that stopped starts again if it still holds it
                        stop = relayWhileLeading(properties);
                    } else {
                        stop = new Stopped("another instance relays; this one stands by", false);
                    }
                } catch (SQLException e) {
                    lease.close();
                    stop = new Stopped("the database does not answer (" + e.getMessage() + ")", false);
                } catch (InterruptedException e) {
                    break;
                }
                relaying = false;
                if (stopped) {
                    break;
                }
                if (stop.failed()) {
                    if (stop.mayPass()) {
                        status.brokerSilent(stop.why());
                    } else {
                        status.failed(stop.why());
                    }
                    if (status.failingLongerThan(handOnAfter)) {
                        LOG.warnf("Outbox relay: this instance could not relay for %d s; it gives its lease up for %d s so that a "
                                + "sibling tries (%s)", handOnAfter.toSeconds(), config.lease().toSeconds(), stop.why());
                        lease.close();
                        status.handedOn();
                        if (!pause(config.lease())) {
                            break;
                        }
                    }
                } else {
                    status.standsBy();
                    if (!stop.why().equals(lastState)) {
                        LOG.infof("Outbox relay not running here, tried again every %d ms: %s", config.retryWait().toMillis(), stop.why());
                    }
                }
                lastState = stop.why();
                checkNowAndThen(); // the slot's lag for its gauge, also while this instance stands by
                if (!pause(config.retryWait())) {
                    break;
                }
            }
        } finally {
            lease.close();
        }
    }

    /** Sleeps on the relay's own thread; false when interrupted (the application stops). */
    private static boolean pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Why the engine was stopped: the slot it holds was made anew (it had been lost between the check and the engine's start). */
    private static final Stopped MADE_ANEW = new Stopped("the replication slot was made anew", true);

    /**
     * Once the engine holds the slot, and before it sends anything: is it the slot that was checked,
     * at the position read then? True when it was made anew (the engine makes a missing slot itself,
     * at the log's end: every event committed since the old one's position would be skipped).
     */
    private boolean verifySlot(String position) {
        try {
            switch (lease.slotSince(slot, position)) {
                case SAME -> slotVerified = true;
                case MADE_ANEW -> {
                    return true;
                }
                default -> {
                    // not held yet, or gone: the engine's own failure says so
                }
            }
        } catch (SQLException e) {
            LOG.debugf("Could not check the replication slot yet: %s", e);
        }
        return false;
    }

    /** Drops a slot the engine made anew, so the relay stops as for a missing one, and says so. */
    private void dropTheNewSlot() {
        String missing = "the replication slot " + slot + " was lost as the relay started, and its engine made a new one at the "
                + "log's end, which would skip every event committed since the old one's position: nothing was sent from it, and it "
                + "was dropped again. Create it (select pg_create_logical_replication_slot('" + slot + "', 'pgoutput')) once you know "
                + "what those events became; the relay starts on it by itself";
        SQLException failed = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                lease.takeSlot(slot); // ends the engine's replication connection, should it linger
                lease.dropSlot(slot);
                failed = null;
                break;
            } catch (SQLException e) {
                failed = e;
                if (!pause(Duration.ofMillis(500))) {
                    break;
                }
            }
        }
        if (failed != null) {
            missing += " (dropping it failed: " + failed.getMessage() + "; drop it by hand)";
        }
        slotProblem = missing; // logged once as the relay's failure
    }

    /** Runs the engine while this instance holds the lease, renewing it; answers why it stopped. */
    private Stopped relayWhileLeading(Properties properties) throws InterruptedException, SQLException {
        if (!lease.takeSlot(slot)) {
            String missing = "the replication slot " + slot + " is missing, so nothing is relayed: events committed since it was lost "
                    + "would be skipped by a new one. Create it (select pg_create_logical_replication_slot('" + slot + "', 'pgoutput')) "
                    + "once you know what those events became; the relay starts on it by itself";
            slotProblem = missing; // logged once as the relay's failure
            return new Stopped(missing, true);
        }
        slotProblem = null;
        String position = lease.slotPosition(slot);
        if (position == null) {
            return new Stopped("the replication slot " + slot + " was dropped as the relay started", true);
        }
        String unpublished = lease.unpublishedOutbox();
        if (unpublished != null) {
            return new Stopped(unpublished, true);
        }
        RelayOutput output;
        try {
            output = outputs.get(); // fences every older relay of this service at the broker
            sendProblem = null;
        } catch (AuthenticationException e) {
            return new Stopped("the broker does not accept this service's login (" + e.getMessage() + ")", true);
        } catch (AuthorizationException e) {
            return new Stopped("the broker refuses this service's login the relay's transactional id " + settings.transactionalId()
                    + " (" + e.getMessage() + "): it needs WRITE and DESCRIBE on that TransactionalId", true);
        } catch (org.apache.kafka.common.errors.TimeoutException e) { // java.util.concurrent's is used below
            return new Stopped("the broker does not answer the relay (" + e.getMessage() + ")", true, true);
        } catch (KafkaException e) {
            return new Stopped("the broker does not answer the relay (" + e.getMessage() + ")", true);
        }
        try {
            Stopped stop = runEngine(properties, output, position);
            if (stop == MADE_ANEW) {
                dropTheNewSlot();
                return new Stopped(slotProblem, true);
            }
            return stop;
        } finally {
            output.close();
        }
    }

    /** Runs the engine, sending to {@code output}, while this instance holds the lease; answers why it stopped. */
    private Stopped runEngine(Properties properties, RelayOutput output, String position) throws InterruptedException {
        String[] problem = new String[1];
        deposed = false;
        slotVerified = false;
        ending = false;
        DebeziumEngine<RecordChangeEvent<SourceRecord>> running = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(properties)
                .using(OutboxRelay.class.getClassLoader())
                .using((success, message, error) -> {
                    if (!success) {
                        problem[0] = why(message, error);
                    }
                })
                .notifying((batch, committer) -> relay(batch, committer, output))
                .build();
        engine = running;
        ExecutorService runner = Executors.newSingleThreadExecutor(work -> new Thread(work, "outbox-relay-engine"));
        Future<?> done = runner.submit(running);
        relaying = true;
        LOG.info("Outbox relay running: this instance sends the committed events on");
        try {
            int ticks = 0;
            while (!stopped && !done.isDone()) {
                try {
                    done.get(config.retryWait().toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillRunning) {
                    if (++ticks == 2) {
                        status.runningAgain(); // the engine connected and streams: what made it fail before is over
                    }
                    if (!slotVerified && verifySlot(position)) {
                        return MADE_ANEW;
                    }
                    if (!lease.renew()) {
                        return new Stopped("it lost its lease (its session with the database ended or did not answer)", false);
                    }
                    String unpublished = checkNowAndThen();
                    if (unpublished != null) {
                        return new Stopped(unpublished, true);
                    }
                } catch (ExecutionException failed) {
                    return stoppedBy(why(null, failed.getCause()));
                }
            }
            return stoppedBy(problem[0] == null ? "its engine stopped" : problem[0]);
        } finally {
            relaying = false;
            ending = true;
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
     * One batch of committed events: sent in order, all of it or none, again until the broker takes
     * it, and marked processed once the broker has it. Sends nothing once the lease is not held, and
     * stops when the broker says a newer relay writes the topic.
     */
    private void relay(List<RecordChangeEvent<SourceRecord>> batch, DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer,
                       RelayOutput output) throws InterruptedException {
        List<SourceRecord> pending = new ArrayList<>(batch.size());
        long bytes = 0;
        for (RecordChangeEvent<SourceRecord> change : batch) {
            if (change.record().value() instanceof String envelope) { // else a heartbeat: nothing to send
                pending.add(change.record());
                bytes += envelope.length();
            }
        }
        while (!slotVerified) { // the slot it reads may be one made anew: nothing is sent, nor marked, until it is known not to be
            if (stopped || ending) {
                throw new InterruptedException("the relay stops");
            }
            Thread.sleep(10);
        }
        backlog.holding(pending.size(), bytes);
        long wait = RESEND_FIRST_WAIT.toMillis();
        try {
            while (!pending.isEmpty()) {
                fence();
                try {
                    output.send(pending);
                    break;
                } catch (RelayOutput.Deposed e) {
                    deposed = true;
                    throw new InterruptedException(e.getMessage());
                } catch (RelayOutput.NotTaken e) {
                    if (e.refused()) {
                        blocked("the broker refuses the events sent to " + settings.topic() + ": " + pending.size()
                                + " committed events (the first: event " + header(pending.get(0), EventBridge.EVENT_ID_HEADER)
                                + ") are sent again, together and in order, until it takes them, and every later event waits: "
                                + e.getMessage());
                    }
                    if (!output.usable()) {
                        throw new InterruptedException("the relay's producer cannot go on (" + e.getMessage() + "); it starts again");
                    }
                }
                if (stopped) {
                    throw new InterruptedException("the application stops");
                }
                Thread.sleep(wait);
                wait = Math.min(wait * 2, RESEND_MAX_WAIT.toMillis());
            }
            for (SourceRecord sent : pending) {
                backlog.taken(((String) sent.value()).length());
            }
        } finally {
            backlog.holding(0, 0);
        }
        if (sendProblem != null) {
            LOG.info("Outbox relay unblocked: the broker took the events it refused");
            sendProblem = null;
        }
        status.runningAgain();
        for (RecordChangeEvent<SourceRecord> change : batch) {
            committer.markProcessed(change);
        }
        committer.markBatchFinished();
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

    /**
     * Every {@link #LAG_EVERY} at most, on the relay's own thread: reads the slot's lag for its gauge,
     * and answers why nothing may be relayed when the outbox left the publication (else null; a
     * lease session that fails to answer is the lease's renewal's to notice).
     */
    private String checkNowAndThen() {
        if (System.nanoTime() - lagReadAt <= LAG_EVERY.toNanos()) {
            return null;
        }
        lagReadAt = System.nanoTime();
        backlog.slotLag(lease.slotLagBytes(slot));
        try {
            return lease.unpublishedOutbox();
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The engine stopped by itself: a failure, unless a sibling relays (it holds the slot, or the
     * broker fenced this one) or this instance's lease ran out meanwhile.
     */
    private Stopped stoppedBy(String why) {
        if (!lease.held()) {
            return new Stopped("it lost its lease (" + why + ")", false);
        }
        return new Stopped(why, !deposed && !why.startsWith(ANOTHER_RELAYS) && !stopped);
    }

    /** Why the engine stopped, in a line: the deepest cause's message; a sibling relaying, said so. */
    private static String why(String message, Throwable error) {
        String database = null;
        String deepest = null;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String text = t.getMessage();
            if (text == null) {
                continue;
            }
            if (text.contains("is active for PID")) {
                return ANOTHER_RELAYS + " (it holds the replication slot); this one stands by";
            }
            if (database == null && t instanceof SQLException) {
                database = "the database: " + text; // what PostgreSQL said, e.g. "must be superuser or replication role"
            }
            deepest = text;
        }
        String text = database != null ? database : deepest != null ? deepest : String.valueOf(message);
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static String header(SourceRecord record, String name) {
        Header header = record.headers().lastWithName(name);
        return header == null || header.value() == null ? "?" : header.value().toString();
    }
}
