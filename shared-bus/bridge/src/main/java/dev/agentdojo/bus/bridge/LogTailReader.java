package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.LoggedEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Reads the chain's topics for the {@link EventLogTail} with a {@link LogTailConsumer}: every
 * partition, from its latest {@code keep} records. Vert.x owns it: each poll runs on a worker of
 * Quarkus's Vert.x ({@code executeBlocking}, ordered), one after the other, so the reader has no
 * thread of its own.
 *
 * <p>What was on the topics when it started is history: read whole, sorted by time and handed on
 * before {@link #awaitFirstRead} returns, marked as such. When the broker is away (at the start or
 * later) or a topic does not exist yet, it tries again with Mutiny's back-off (from
 * {@link #RETRY_FIRST_WAIT}, twice as long each time up to {@link #RETRY_MAX_WAIT}, with jitter),
 * and resumes where each partition was read up to.
 */
final class LogTailReader {

    private static final Logger LOG = Logger.getLogger(EventLogTail.class);
    private static final Duration RETRY_FIRST_WAIT = Duration.ofMillis(250);
    private static final Duration RETRY_MAX_WAIT = Duration.ofSeconds(5);

    /** An event read from the log, and its size there. */
    record Sized(LoggedEvent logged, int bytes) {
    }

    private final Context context;
    private final LogTailConsumer consumer;
    /** Takes each batch read, in time order, and whether it is history (read before the first reader was answered). */
    private final BiConsumer<List<Sized>, Boolean> sink;
    private final CountDownLatch firstRead = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private List<Sized> catchingUp = new ArrayList<>();
    private String lastProblem;
    private volatile boolean following;
    private volatile boolean stopped;
    /** The polls in progress (a poll, or a wait before the next try); cancelled when the reader stops. */
    private volatile Cancellable polling;

    LogTailReader(Vertx vertx, KafkaConfig kafka, OutgoingChannelConfig outgoing, IncomingChannelConfig incoming, String instance,
                  int keep, TopicOwners owners, BiConsumer<List<Sized>, Boolean> sink) {
        this.context = vertx.getOrCreateContext();
        this.consumer = new LogTailConsumer(kafka, incoming, instance, chainTopics(outgoing, incoming), keep, owners);
        this.sink = sink;
    }

    void start() {
        context.runOnContext(ignored -> step());
    }

    /** Waits up to {@code max} for the history to be read (or found empty, or the broker away). */
    void awaitFirstRead(Duration max) {
        try {
            firstRead.await(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean isFollowing() {
        return following;
    }

    /** Stops: wakes the poll in flight, ends the polls, and waits a little for the consumer to be closed. */
    void stop() {
        stopped = true;
        consumer.wakeup();
        Cancellable running = polling;
        if (running != null) {
            running.cancel(); // a wait before the next try ends here
        }
        onWorker(() -> close(true)); // after the poll in flight, if there is one: polls and this close are ordered
        try {
            ended.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls on a worker, one after the other; after a poll that could not, again after a back-off; until it stops. */
    private void step() {
        polling = Uni.createFrom().item(() -> {
                    if (!pollOnce()) {
                        throw new NotPolled();
                    }
                    return Boolean.TRUE;
                })
                .runSubscriptionOn(this::onWorker)
                .onFailure(failure -> failure instanceof NotPolled && !stopped)
                .retry().withBackOff(RETRY_FIRST_WAIT, RETRY_MAX_WAIT).indefinitely()
                .subscribe().with(polled -> next(), failure -> next());
    }

    private void next() {
        if (stopped) {
            onWorker(() -> close(true));
        } else {
            step();
        }
    }

    private void onWorker(Runnable work) {
        context.executeBlocking(() -> {
            work.run();
            return null;
        }, true);
    }

    /** A poll that could not be made (the broker away, no topic yet, a failure): tried again after a wait. */
    private static final class NotPolled extends RuntimeException {
        NotPolled() {
            super("not polled", null, false, false);
        }
    }

    /** Polls once; false when it could not (the broker away, no topic yet, a failure): try again after a wait. */
    private boolean pollOnce() {
        if (stopped) {
            return false;
        }
        try {
            if (!consumer.assigned()) {
                if (consumer.caughtUp()) {
                    firstRead.countDown(); // no topic yet, nothing to read: what comes later is live
                }
                following = false;
                return false;
            }
            List<Sized> batch = consumer.poll();
            following = true;
            handOn(batch);
            return true;
        } catch (WakeupException stopping) {
            return false;
        } catch (RuntimeException e) {
            following = false;
            if (!e.toString().equals(lastProblem)) {
                LOG.warnf("The tail of the event log stopped; it starts again by itself: %s", e.toString());
                lastProblem = e.toString();
            }
            close(false);
            return false;
        }
    }

    /** Hands the batch on; until the history is read whole, gathers it, to hand it on in one piece and in time order. */
    private void handOn(List<Sized> batch) {
        Comparator<Sized> byTime = Comparator.comparing(e -> e.logged().event().timestamp());
        if (firstRead.getCount() == 0) {
            batch.sort(byTime);
            sink.accept(batch, false);
            return;
        }
        catchingUp.addAll(batch);
        if (consumer.caughtUp()) {
            catchingUp.sort(byTime);
            sink.accept(catchingUp, true);
            catchingUp = new ArrayList<>();
            firstRead.countDown();
        }
    }

    private Void close(boolean last) {
        consumer.close();
        if (last) {
            following = false;
            firstRead.countDown();
            ended.countDown();
        }
        return null;
    }

    /** The topics of the chain as this service sees it: the one it sends to and those it receives from. */
    static List<String> chainTopics(OutgoingChannelConfig outgoing, IncomingChannelConfig incoming) {
        return TopicOwners.bridgeTopics(outgoing, incoming);
    }
}
