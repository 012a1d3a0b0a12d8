package dev.agentdojo.outbox;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import org.apache.kafka.connect.source.SourceRecord;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * One run of the relay's Debezium engine while this instance leads: each batch of committed events
 * goes to the {@link RelayOutput} in order, all of it or none, again with a growing back-off until
 * the broker takes it, and is marked processed once it has; meanwhile the lease is renewed, the slot
 * checked to be the one the migration made, and the publication checked. {@link #run} answers why
 * it ended. Made by {@link OutboxRelay} each time it takes the lead.
 */
final class RelaySession {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Why {@link #run} ended: the slot the engine holds was made anew (lost between the check and the engine's start). */
    static final RelayStop MADE_ANEW = RelayStop.failed("the replication slot was made anew");

    private final BatchSender sender;
    private final RelayLease lease;
    private final RelaySlot slot;
    private final RelayBacklog backlog;
    private final RelayStatus status;
    private final Duration tick;
    private final BooleanSupplier appStops;
    private volatile boolean running;
    /** Set once the engine holds the slot that was checked; until then it sends nothing. */
    private volatile boolean verified;
    /** Set when the engine is being closed: its batch waiting for the slot's check gives up. */
    private volatile boolean ending;
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;

    RelaySession(RelayOutput output, RelayLease lease, RelaySlot slot, RelayBacklog backlog, RelayStatus status, Duration tick,
                 String topic, BooleanSupplier appStops, ScheduledExecutorService retries) {
        this.sender = new BatchSender(output, lease, topic, () -> appStops.getAsBoolean() || ending, retries);
        this.lease = lease;
        this.slot = slot;
        this.backlog = backlog;
        this.status = status;
        this.tick = tick;
        this.appStops = appStops;
    }

    /** Whether the engine runs and sends committed events on. */
    boolean running() {
        return running;
    }

    /** Why the relay is blocked (the broker refuses a batch); null when it is not. */
    String sendProblem() {
        return sender.problem();
    }

    /** Runs the engine from the slot read at {@code position}, checking every {@code tick}, until it stops; answers why. */
    RelayStop run(Properties properties, String position) throws InterruptedException {
        String[] problem = new String[1];
        DebeziumEngine<RecordChangeEvent<SourceRecord>> running = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(properties)
                .using(OutboxRelay.class.getClassLoader())
                .using((success, message, error) -> {
                    if (!success) {
                        problem[0] = RelayStop.reason(message, error);
                    }
                })
                .notifying(this::relay)
                .build();
        engine = running;
        ExecutorService runner = Executors.newSingleThreadExecutor(work -> new Thread(work, "outbox-relay-engine"));
        Future<?> done = runner.submit(running);
        this.running = true;
        LOG.info("Outbox relay running: this instance sends the committed events on");
        try {
            int ticks = 0;
            while (!appStops.getAsBoolean() && !done.isDone()) {
                try {
                    done.get(tick.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillRunning) {
                    if (++ticks == 2) {
                        status.runningAgain(); // the engine connected and streams: what made it fail before is over
                    }
                    if (!verified) { // not held yet, or gone (the engine's own failure says so), or held: at which position?
                        RelaySlot.Since since = slot.since(position);
                        if (since == RelaySlot.Since.MADE_ANEW) {
                            return MADE_ANEW;
                        }
                        verified = since == RelaySlot.Since.SAME;
                    }
                    if (!lease.renew()) {
                        return RelayStop.standsBy("it lost its lease (its session with the database ended or did not answer)");
                    }
                    String unpublished = slot.checkNowAndThen();
                    if (unpublished != null) {
                        return RelayStop.failed(unpublished);
                    }
                } catch (ExecutionException failed) {
                    return stoppedBy(RelayStop.reason(null, failed.getCause()));
                }
            }
            return stoppedBy(problem[0] == null ? "its engine stopped" : problem[0]);
        } finally {
            this.running = false;
            ending = true;
            sender.forget(); // whatever blocked this relay, it is not this instance's to report once it stopped
            boolean interrupted = Thread.interrupted(); // let the engine's thread finish before this one goes
            close();
            runner.shutdown();
            runner.awaitTermination(10, TimeUnit.SECONDS);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the engine (the application stops, or the run ended). */
    void close() {
        DebeziumEngine<?> running = engine;
        if (running != null) {
            try {
                running.close();
            } catch (IOException | RuntimeException e) {
                LOG.debugf("The outbox relay's engine did not close cleanly: %s", e);
            }
        }
    }

    /**
     * One batch of committed events: sent in order, all of it or none, again until the broker takes
     * it, and marked processed once the broker has it. Sends nothing once the lease is not held, and
     * stops when the broker says a newer relay writes the topic.
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
        while (!verified) { // the slot it reads may be one made anew: nothing is sent, nor marked, until it is known not to be
            if (appStops.getAsBoolean() || ending) {
                throw new InterruptedException("the relay stops");
            }
            Thread.sleep(10);
        }
        backlog.holding(pending.size(), bytes);
        try {
            if (!pending.isEmpty()) {
                sender.send(pending);
            }
            for (SourceRecord sent : pending) {
                backlog.taken(((String) sent.value()).length());
            }
        } finally {
            backlog.holding(0, 0);
        }
        sender.unblocked();
        status.runningAgain();
        for (RecordChangeEvent<SourceRecord> change : batch) {
            committer.markProcessed(change);
        }
        committer.markBatchFinished();
    }

    /**
     * The engine stopped by itself: a failure, unless a sibling relays (it holds the slot, or the
     * broker fenced this one) or this instance's lease ran out meanwhile.
     */
    private RelayStop stoppedBy(String why) {
        if (!lease.held()) {
            return RelayStop.standsBy("it lost its lease (" + why + ")");
        }
        boolean failed = !sender.deposed() && !why.startsWith(RelayStop.ANOTHER_RELAYS) && !appStops.getAsBoolean();
        return failed ? RelayStop.failed(why) : RelayStop.standsBy(why);
    }
}
