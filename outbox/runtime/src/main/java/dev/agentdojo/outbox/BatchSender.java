package dev.agentdojo.outbox;

import dev.agentdojo.bus.bridge.EventBridge;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.unchecked.Unchecked;
import org.apache.kafka.connect.source.SourceRecord;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;

/**
 * Puts a relay's batches on the topic through its {@link RelayOutput}: a batch the broker did not
 * take is sent again whole, after a growing back-off (Mutiny's, with jitter), until it does, the
 * relay stops, or the output cannot go on; one the broker refuses makes the relay blocked
 * (readiness DOWN, an ERROR line) meanwhile. Sends nothing once this instance's lease is not held.
 */
final class BatchSender {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** How long a batch the broker did not take waits before it is sent again, at first; up to twice as long each time after. */
    private static final Duration RESEND_FIRST_WAIT = Duration.ofMillis(100);
    private static final Duration RESEND_MAX_WAIT = Duration.ofSeconds(5);

    private final RelayOutput output;
    private final RelayLease lease;
    private final String topic;
    private final BooleanSupplier stops;
    private final ScheduledExecutorService retries;
    /** Set when the broker fenced this relay's producer: a newer relay writes the topic. */
    private volatile boolean deposed;
    /** Why the relay is blocked: the broker refuses events; null when it is not. */
    private volatile String problem;

    BatchSender(RelayOutput output, RelayLease lease, String topic, BooleanSupplier stops, ScheduledExecutorService retries) {
        this.output = output;
        this.lease = lease;
        this.topic = topic;
        this.stops = stops;
        this.retries = retries;
    }

    /** Whether the broker said a newer relay writes the topic. */
    boolean deposed() {
        return deposed;
    }

    /** Why the relay is blocked (the broker refuses a batch); null when it is not. */
    String problem() {
        return problem;
    }

    /** A batch went through: a block, if there was one, is over. */
    void unblocked() {
        if (problem != null) {
            LOG.info("Outbox relay unblocked: the broker took the events it refused");
            problem = null;
        }
    }

    /** The relay stopped: what blocked it is not this instance's to report any more. */
    void forget() {
        problem = null;
    }

    /** Sends {@code pending}, again after a growing back-off while the broker does not take it and the output can go on. */
    void send(List<SourceRecord> pending) throws InterruptedException {
        try {
            Uni.createFrom().item(Unchecked.supplier(() -> {
                        if (!lease.held()) { // a relay that froze and lost its lease stops here when it wakes up
                            throw new InterruptedException("this instance no longer holds the outbox's lease: it sends nothing more");
                        }
                        output.send(pending);
                        return pending.size();
                    }))
                    .onFailure(failure -> sendAgain(failure, pending))
                    .retry().withBackOff(RESEND_FIRST_WAIT, RESEND_MAX_WAIT).withExecutor(retries).indefinitely()
                    .await().indefinitely();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RelayOutput.Deposed) {
                deposed = true;
                throw new InterruptedException(cause.getMessage());
            }
            if (cause instanceof RelayOutput.NotTaken) {
                throw new InterruptedException(stops.getAsBoolean() ? "the relay stops"
                        : "the relay's producer cannot go on (" + cause.getMessage() + "); it starts again");
            }
            throw cause instanceof InterruptedException interrupted ? interrupted : new InterruptedException(String.valueOf(cause));
        }
    }

    /** Whether a failed send is tried again: the broker did not take the batch (said so when it refused), and the output can go on. */
    private boolean sendAgain(Throwable failure, List<SourceRecord> pending) {
        if (!(failure.getCause() instanceof RelayOutput.NotTaken notTaken)) {
            return false;
        }
        if (notTaken.refused()) {
            String first = RelayOutput.headers(pending.get(0)).getOrDefault(EventBridge.EVENT_ID_HEADER, "?");
            blocked("the broker refuses the events sent to " + topic + ": " + pending.size() + " committed events (the first: event "
                    + first + ") are sent again, together and in order, until it takes them, and every later event waits: "
                    + notTaken.getMessage());
        }
        return output.usable() && !stops.getAsBoolean();
    }

    /** The relay is blocked: readiness DOWN with {@code why}, logged when it starts. */
    private void blocked(String why) {
        if (problem == null) {
            LOG.error("Outbox relay blocked: " + why);
        }
        problem = why;
    }
}
