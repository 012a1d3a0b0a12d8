package dev.agentdojo.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The floor's group commit: items handed in by any thread are written by one thread of its own on
 * one connection, what arrived while a batch was written forming the next (at most
 * {@value #MAX_BATCH}, the services' {@code service.group-commit.max-batch}), one transaction per
 * batch — the batching the services' {@code GroupCommit} does, without its bounds, deadlines,
 * failure classification or hand-over to a worker pool. After each commit, {@code committed} runs
 * on the writer's thread with the batch (it must not block). A failure ends the program: the floor
 * measures the work of orders that go through, nothing else.
 *
 * @param <T> what is written
 */
final class FloorBatches<T> {

    /** Writes a batch on a connection whose transaction the caller commits. */
    @FunctionalInterface
    interface Writer<T> {
        void write(Connection connection, List<T> batch) throws SQLException;
    }

    static final int MAX_BATCH = 200;

    private final LinkedBlockingQueue<T> queue = new LinkedBlockingQueue<>();

    FloorBatches(String name, Connection connection, Writer<T> writer, Consumer<List<T>> committed) {
        Thread thread = new Thread(() -> {
            List<T> batch = new ArrayList<>(MAX_BATCH);
            try {
                connection.setAutoCommit(false);
                while (true) {
                    batch.add(queue.take());
                    queue.drainTo(batch, MAX_BATCH - 1);
                    writer.write(connection, batch);
                    connection.commit();
                    committed.accept(batch);
                    batch.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (SQLException | RuntimeException e) {
                System.err.println("The floor's " + name + " failed: " + e);
                e.printStackTrace();
                System.exit(1);
            }
        }, "commit-" + name); // thread names: 15 characters show in /proc
        thread.setDaemon(true);
        thread.start();
    }

    /** Hands {@code item} in: written with the next batch. */
    void submit(T item) {
        queue.add(item);
    }

    /** How many items wait for their batch. */
    int waiting() {
        return queue.size();
    }
}
