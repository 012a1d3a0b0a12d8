package dev.agentdojo.outbox;

import io.micrometer.core.instrument.Counter;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What a relay that is not relaying tells about itself: readiness (its {@link #problem}), the log
 * (one line per cause) and {@code agentdojo_outbox_relay_failures_total}.
 *
 * <p>A broker that does not answer in time — a new broker's transaction coordinator while it starts
 * — is waited for: readiness DOWN with the cause and one INFO line, for up to {@code waitLimit}; a
 * failure (ERROR, counted) once it lasts longer. Any other cause is a failure at once.
 */
final class RelayStatus {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final Counter failures;
    private final Duration waitLimit;
    private final Duration retryWait;
    private final LongSupplier nanoTime;
    /** Why the relay last failed to run here (its engine, the broker, the publication); null once it relays again. */
    private volatile String failure;
    /** Why the relay waits for the broker to answer, not failed yet; null when it does not. */
    private volatile String waiting;
    /** nanoTime since when it waits for the broker; 0: it does not. */
    private volatile long waitingSince;
    /** nanoTime since when this instance fails to relay while leading; 0: it does not. */
    private volatile long failingSince;

    RelayStatus(Counter failures, Duration waitLimit, Duration retryWait, LongSupplier nanoTime) {
        this.failures = failures;
        this.waitLimit = waitLimit;
        this.retryWait = retryWait;
        this.nanoTime = nanoTime;
    }

    /** Why the relay cannot run (it failed, or waits for the broker); null when neither. */
    String problem() {
        String failed = failure;
        return failed != null ? failed : waiting;
    }

    /** The broker did not answer in time: waited for up to the limit, a failure after it. */
    void brokerSilent(String why) {
        long now = nanoTime.getAsLong();
        if (waitingSince == 0) {
            waitingSince = now;
            LOG.infof("Outbox relay waits for the broker, tried again every %d ms for up to %d s before it counts as failed: %s",
                    retryWait.toMillis(), waitLimit.toSeconds(), why);
        }
        waiting = why;
        if (now - waitingSince > waitLimit.toNanos()) {
            failed(why);
        }
    }

    /** The relay could not do its job: readiness DOWN with {@code why}, counted, one ERROR line per cause. */
    void failed(String why) {
        if (!why.equals(failure)) {
            LOG.error("Outbox relay failed, nothing is relayed from this instance: " + why);
            failures.increment();
        }
        failure = why;
        if (failingSince == 0) {
            failingSince = nanoTime.getAsLong();
        }
    }

    /** Whether this instance has failed to relay for longer than {@code duration}. */
    boolean failingLongerThan(Duration duration) {
        long since = failingSince;
        return since != 0 && nanoTime.getAsLong() - since > duration.toNanos();
    }

    /** It gave its lease up for a sibling to try: its own failing time starts anew if it leads again. */
    void handedOn() {
        failingSince = 0;
    }

    /** It stands by, or lost its lease: not a failure of its own, and it waits for no broker. */
    void standsBy() {
        failingSince = 0;
        waiting = null;
        waitingSince = 0;
    }

    /** The relay runs again: the failure it had, or its wait for the broker, is over. */
    void runningAgain() {
        if (waiting != null) {
            LOG.infof("Outbox relay: the broker answers after %d ms", (nanoTime.getAsLong() - waitingSince) / 1_000_000);
            waiting = null;
        }
        waitingSince = 0;
        failingSince = 0;
        String was = failure;
        if (was != null) {
            LOG.info("Outbox relay running again; it had failed: " + was);
            failure = null;
        }
    }
}
