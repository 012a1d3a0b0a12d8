package dev.agentdojo.outbox.commit;

import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group commit: writes handed in by many threads at once reach the database together, one
 * transaction per batch, written by one thread at a time. While a batch is being written, the
 * writes that arrive meanwhile wait and form the next one; so under load a transaction carries many
 * writes (one round of JDBC batch statements, one commit), and alone a write still goes at once,
 * without any waiting for company.
 *
 * <p>Plain JDBC on a connection of the service's pool, outside JTA, on a thread of its own
 * ({@code group-commit-<name>}, started when there is something to write and ended after a few
 * idle seconds): {@link BatchWriter} gets the connection with auto-commit off and returns one result per
 * item; the batch is committed after it, and then its items' stages complete, together, on a thread
 * of the executor (so what follows a write does not hold up the next batch). A caller waiting in
 * {@link #write} is woken by the writer itself. So however many of the executor's threads wait for
 * their writes, the writes are still written and the waiters still woken: no deadlock.
 * When the batch fails on a statement, each of its items is written again alone, so one bad item
 * fails alone; when no connection can be had, or the database itself fails (it went away, a
 * timeout), the whole batch fails at once. An item that waited longer than {@code maxWait} when
 * its batch starts is refused ({@link RejectedExecutionException}) without being written, so a
 * caller is answered within that wait plus one batch's database timeouts. At most
 * {@code maxQueued} writes wait; one more is refused with {@link RejectedExecutionException} and
 * nothing of it is written.
 *
 * @param <T> what is written
 * @param <R> what each write answers
 */
public final class GroupCommit<T, R> {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    /** An item and its stage; {@code waited} when a caller blocks on it in {@link #write}; handed in at {@code since} (nanos). */
    private record Pending<T, R>(T item, CompletableFuture<R> result, boolean waited, long since) {
    }

    private static final long IDLE_SECONDS = 5;

    private final String name;
    private final Executor executor;
    private final ThreadPoolExecutor writerThread;
    private final int maxBatch;
    private final int maxQueued;
    private final long maxWaitNanos;
    private final BatchTransactions<T, R> transactions;
    private final ConcurrentLinkedQueue<Pending<T, R>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean();

    /**
     * @param name      what is written, for messages ("orders", "chain events")
     * @param executor  where what follows a write runs (a worker pool)
     * @param maxBatch  the most items in one transaction
     * @param maxQueued the most items waiting, beyond which a write is refused
     */
    public GroupCommit(String name, DataSource dataSource, Executor executor, int maxBatch, int maxQueued, BatchWriter<T, R> writer) {
        this(name, dataSource, executor, maxBatch, maxQueued, Duration.ofDays(1), writer);
    }

    /**
     * A group commit whose settings are the service's ({@code service.group-commit.*}).
     *
     * @param name what is written, for messages ("orders", "chain events")
     */
    public GroupCommit(String name, DataSource dataSource, Executor executor, GroupCommitConfig config, BatchWriter<T, R> writer) {
        this(name, dataSource, executor, config.maxBatch(), config.maxQueued(), config.maxWait(), writer);
    }

    /**
     * @param maxWait the longest an item may wait for its batch: one that waited longer when its
     *                batch starts is refused, not written
     */
    public GroupCommit(String name, DataSource dataSource, Executor executor, int maxBatch, int maxQueued, Duration maxWait,
                       BatchWriter<T, R> writer) {
        if (maxBatch < 1 || maxQueued < 1) {
            throw new IllegalArgumentException("maxBatch and maxQueued must be at least 1, were " + maxBatch + " and " + maxQueued);
        }
        this.name = name;
        this.executor = executor;
        this.writerThread = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), work -> {
            Thread thread = new Thread(work, "group-commit-" + name.replace(' ', '-'));
            thread.setDaemon(true);
            return thread;
        });
        this.writerThread.allowCoreThreadTimeOut(true);
        this.maxBatch = maxBatch;
        this.maxQueued = maxQueued;
        this.maxWaitNanos = maxWait.toNanos();
        this.transactions = new BatchTransactions<>(name, dataSource, writer);
    }

    /** Hands {@code item} in; completes with its result once its batch is committed, or fails. */
    public CompletionStage<R> submit(T item) {
        return handIn(item, false);
    }

    private CompletableFuture<R> handIn(T item, boolean waited) {
        CompletableFuture<R> result = new CompletableFuture<>();
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            result.completeExceptionally(new RejectedExecutionException(
                    "too many " + name + " waiting to be written (" + maxQueued + "); try again later"));
            return result;
        }
        queue.add(new Pending<>(item, result, waited, System.nanoTime()));
        startWriting();
        return result;
    }

    /**
     * {@link #submit} and wait: for a caller already on a worker thread. A failure is thrown as it
     * came (a {@link RuntimeException}, or an {@link SQLException} wrapped in an {@link IllegalStateException}).
     */
    public R write(T item) {
        try {
            return handIn(item, true).join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("could not write " + name + ": " + cause.getMessage(), cause);
        }
    }

    /** How many items wait to be written. */
    public int waiting() {
        return queued.get();
    }

    private void startWriting() {
        if (!writing.compareAndSet(false, true)) {
            return; // the thread writing now takes it with its next batch
        }
        try {
            writerThread.execute(this::writeWhileQueued);
        } catch (RejectedExecutionException e) {
            writing.set(false);
            failQueued(e);
        }
    }

    private void writeWhileQueued() {
        try {
            List<Pending<T, R>> batch = new ArrayList<>();
            while (true) {
                Pending<T, R> next;
                long now = System.nanoTime();
                boolean polled = false;
                while (batch.size() < maxBatch && (next = queue.poll()) != null) {
                    polled = true;
                    queued.decrementAndGet();
                    if (now - next.since() > maxWaitNanos) {
                        next.result().completeExceptionally(new RejectedExecutionException(name + " waited more than "
                                + Duration.ofNanos(maxWaitNanos).toMillis() + " ms for the database (service.group-commit.max-wait); not written"));
                    } else {
                        batch.add(next);
                    }
                }
                if (batch.isEmpty()) {
                    if (polled) {
                        continue;
                    }
                    break;
                }
                writeBatch(batch);
                batch.clear();
            }
        } finally {
            writing.set(false);
        }
        if (!queue.isEmpty()) {
            startWriting(); // handed in between the last poll and the flag's reset
        }
    }

    private void writeBatch(List<Pending<T, R>> batch) {
        List<Pending<T, R>> written = List.copyOf(batch);
        complete(written, transactions.write(written.stream().map(Pending::item).toList()));
    }

    /**
     * Wakes the callers waiting in {@link #write} here, and completes the other stages together on
     * a thread of the executor, so what follows them runs there and the next batch is written meanwhile.
     */
    private void complete(List<Pending<T, R>> batch, Object[] outcomes) {
        boolean elsewhere = false;
        for (int i = 0; i < outcomes.length; i++) {
            if (batch.get(i).waited()) {
                complete(batch.get(i), outcomes[i]);
            } else {
                elsewhere = true;
            }
        }
        if (!elsewhere) {
            return;
        }
        Runnable completion = () -> {
            for (int i = 0; i < outcomes.length; i++) {
                if (!batch.get(i).waited()) {
                    complete(batch.get(i), outcomes[i]);
                }
            }
        };
        try {
            executor.execute(completion);
        } catch (RejectedExecutionException e) {
            completion.run();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T, R> void complete(Pending<T, R> pending, Object outcome) {
        if (outcome instanceof BatchTransactions.Failure failure) {
            pending.result().completeExceptionally(failure.cause());
        } else {
            pending.result().complete((R) outcome);
        }
    }

    private void failQueued(Exception cause) {
        Pending<T, R> next;
        while ((next = queue.poll()) != null) {
            queued.decrementAndGet();
            next.result().completeExceptionally(cause);
        }
    }
}
