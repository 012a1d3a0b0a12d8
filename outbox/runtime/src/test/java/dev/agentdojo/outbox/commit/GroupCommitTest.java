package dev.agentdojo.outbox.commit;

import dev.agentdojo.postgres.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link GroupCommit} on a real PostgreSQL server: what is batched, what fails alone, what is refused. */
class GroupCommitTest {

    private static LocalPostgres postgres;
    private static PGSimpleDataSource dataSource;
    private static ExecutorService workers;

    /** What the test writes: a row of table items; a null label breaks the table's not-null rule. */
    record Item(int id, String label) {
    }

    /** Inserts items, notes each batch's size, and can hold its first batch until told. */
    static final class ItemWriter implements BatchWriter<Item, Integer> {
        final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch firstStarted = new CountDownLatch(1);
        final CountDownLatch releaseFirst;

        ItemWriter(boolean holdFirst) {
            this.releaseFirst = new CountDownLatch(holdFirst ? 1 : 0);
        }

        @Override
        public List<Integer> write(Connection connection, List<Item> items) throws SQLException {
            batches.add(items.size());
            if (firstStarted.getCount() == 1) {
                firstStarted.countDown();
                await(releaseFirst);
            }
            try (PreparedStatement insert = connection.prepareStatement("insert into items (id, label) values (?, ?)")) {
                for (Item item : items) {
                    insert.setInt(1, item.id());
                    insert.setString(2, item.label());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return items.stream().map(item -> item.id() * 10).toList();
        }
    }

    @BeforeAll
    static void startServer() {
        postgres = LocalPostgres.start(Path.of("target/group-commit-postgres"), LocalPostgres.freePort(), "groupcommit");
        dataSource = new PGSimpleDataSource();
        dataSource.setUrl(postgres.jdbcUrl("groupcommit"));
        dataSource.setUser("groupcommit");
        dataSource.setPassword(postgres.password("groupcommit"));
        workers = Executors.newFixedThreadPool(4);
    }

    @AfterAll
    static void stopServer() {
        workers.shutdownNow();
        postgres.stop();
    }

    @BeforeEach
    void emptyTable() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table if not exists items (id int primary key, label text not null)");
            s.execute("truncate items");
        }
    }

    @Test
    void aWriteAloneIsWrittenAtOnceAndAnswersItsResult() {
        ItemWriter writer = new ItemWriter(false);
        GroupCommit<Item, Integer> commit = new GroupCommit<>("items", dataSource, workers, 200, 1000, writer);

        assertThat(commit.write(new Item(7, "seven"))).isEqualTo(70);

        assertThat(writer.batches).containsExactly(1);
        assertThat(ids()).containsExactly(7);
    }

    @Test
    void writesArrivingWhileABatchIsWrittenGoTogetherInTheNextTransaction() throws Exception {
        ItemWriter writer = new ItemWriter(true);
        GroupCommit<Item, Integer> commit = new GroupCommit<>("items", dataSource, workers, 200, 1000, writer);
        CompletableFuture<Integer> first = commit.submit(new Item(0, "first")).toCompletableFuture();
        await(writer.firstStarted);

        List<CompletableFuture<Integer>> later = IntStream.rangeClosed(1, 100)
                .mapToObj(i -> commit.submit(new Item(i, "item " + i)).toCompletableFuture()).toList();
        assertThat(commit.waiting()).isEqualTo(100);
        writer.releaseFirst.countDown();

        assertThat(first.get(30, TimeUnit.SECONDS)).isZero();
        for (int i = 0; i < later.size(); i++) {
            assertThat(later.get(i).get(30, TimeUnit.SECONDS)).as("result of item %d", i + 1).isEqualTo((i + 1) * 10);
        }
        assertThat(writer.batches).containsExactly(1, 100);
        assertThat(ids()).hasSize(101);
        assertThat(commit.waiting()).isZero();
    }

    @Test
    void noBatchIsLargerThanTheMaximum() throws Exception {
        ItemWriter writer = new ItemWriter(true);
        GroupCommit<Item, Integer> commit = new GroupCommit<>("items", dataSource, workers, 10, 1000, writer);
        commit.submit(new Item(0, "first"));
        await(writer.firstStarted);
        List<CompletableFuture<Integer>> later = IntStream.rangeClosed(1, 35)
                .mapToObj(i -> commit.submit(new Item(i, "item " + i)).toCompletableFuture()).toList();
        writer.releaseFirst.countDown();

        CompletableFuture.allOf(later.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(writer.batches).containsExactly(1, 10, 10, 10, 5);
        assertThat(ids()).hasSize(36);
    }

    @Test
    void aBadItemFailsAloneAndTheRestOfItsBatchIsWritten() throws Exception {
        ItemWriter writer = new ItemWriter(true);
        GroupCommit<Item, Integer> commit = new GroupCommit<>("items", dataSource, workers, 200, 1000, writer);
        commit.submit(new Item(0, "first"));
        await(writer.firstStarted);
        List<CompletableFuture<Integer>> later = IntStream.rangeClosed(1, 10)
                .mapToObj(i -> commit.submit(new Item(i, i == 4 ? null : "item " + i)).toCompletableFuture()).toList();
        writer.releaseFirst.countDown();

        for (int i = 1; i <= 10; i++) {
            CompletableFuture<Integer> result = later.get(i - 1);
            if (i == 4) {
                assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(SQLException.class)
                        .hasMessageContaining("label");
            } else {
                assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(i * 10);
            }
        }
        assertThat(ids()).containsExactly(0, 1, 2, 3, 5, 6, 7, 8, 9, 10);
        // the batch of ten, then each of the ten alone
        assertThat(writer.batches).containsExactly(1, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    }

    @Test
    void aWriteBeyondTheQueuesBoundIsRefusedAndNothingOfItIsWritten() throws Exception {
        ItemWriter writer = new ItemWriter(true);
        GroupCommit<Item, Integer> commit = new GroupCommit<>("items", dataSource, workers, 200, 5, writer);
        commit.submit(new Item(0, "first"));
        await(writer.firstStarted);
        List<CompletableFuture<Integer>> queued = IntStream.rangeClosed(1, 5)
                .mapToObj(i -> commit.submit(new Item(i, "item " + i)).toCompletableFuture()).toList();

        CompletableFuture<Integer> refused = commit.submit(new Item(6, "one too many")).toCompletableFuture();
        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(RejectedExecutionException.class).hasMessageContaining("too many items waiting");
        assertThatThrownBy(() -> commit.write(new Item(7, "also too many"))).isInstanceOf(RejectedExecutionException.class);

        writer.releaseFirst.countDown();
        CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(ids()).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void writesAreWrittenWhileEveryThreadOfTheExecutorWaitsForOne() throws Exception {
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            ItemWriter writer = new ItemWriter(true);
            GroupCommit<Item, Integer> commit = new GroupCommit<>("items", dataSource, two, 200, 1000, writer);
            CountDownLatch bothWaiting = new CountDownLatch(2);
            List<Future<Integer>> waiters = IntStream.rangeClosed(1, 2).mapToObj(i -> two.submit(() -> {
                bothWaiting.countDown();
                return commit.write(new Item(i, "item " + i));
            })).toList();
            await(bothWaiting);
            await(writer.firstStarted);
            CompletableFuture<Integer> third = commit.submit(new Item(3, "item 3")).toCompletableFuture();
            writer.releaseFirst.countDown();

            for (int i = 0; i < waiters.size(); i++) {
                assertThat(waiters.get(i).get(30, TimeUnit.SECONDS)).as("result of item %d", i + 1).isEqualTo((i + 1) * 10);
            }
            assertThat(third.get(30, TimeUnit.SECONDS)).isEqualTo(30);
            assertThat(ids()).containsExactly(1, 2, 3);
        } finally {
            two.shutdownNow();
        }
    }

    @Test
    void aWriteThatWaitedLongerThanTheMaxWaitIsRefusedUnwrittenWhenItsBatchStarts() throws Exception {
        ItemWriter writer = new ItemWriter(true);
        GroupCommit<Item, Integer> commit = new GroupCommit<>("items", dataSource, workers, 200, 1000,
                java.time.Duration.ofMillis(200), writer);
        CompletableFuture<Integer> first = commit.submit(new Item(0, "first")).toCompletableFuture();
        await(writer.firstStarted);
        CompletableFuture<Integer> late = commit.submit(new Item(1, "waits too long")).toCompletableFuture();
        // held longer than the max wait: the next batch starts too late for the waiting write
        org.awaitility.Awaitility.await().pollDelay(java.time.Duration.ofMillis(400)).until(() -> true);
        writer.releaseFirst.countDown();

        assertThat(first.get(30, TimeUnit.SECONDS)).isZero();
        assertThatThrownBy(() -> late.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("waited more than 200 ms");
        assertThat(commit.submit(new Item(2, "in time")).toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(20);
        assertThat(ids()).containsExactly(0, 2);
        assertThat(writer.batches).containsExactly(1, 1);
    }

    @Test
    void whenTheDatabaseItselfFailsTheWholeBatchFailsWithoutTryingEachItemAlone() throws Exception {
        List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<Item, Integer> commit = new GroupCommit<>("items", dataSource, workers, 200, 1000, (connection, items) -> {
            batches.add(items.size());
            throw new java.sql.SQLTransientConnectionException("the database went away", "08006");
        });
        List<CompletableFuture<Integer>> results = IntStream.rangeClosed(1, 10)
                .mapToObj(i -> commit.submit(new Item(i, "item " + i)).toCompletableFuture()).toList();
        for (CompletableFuture<Integer> result : results) {
            assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(java.sql.SQLTransientConnectionException.class);
        }
        assertThat(batches.stream().mapToInt(Integer::intValue).sum()).as("each item written once, none again alone").isEqualTo(10);
    }

    @Test
    void withoutAConnectionTheWholeBatchFailsAndTheWriterIsNotCalled() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setUrl("jdbc:postgresql://127.0.0.1:" + LocalPostgres.freePort() + "/groupcommit");
        nowhere.setUser("groupcommit");
        ItemWriter writer = new ItemWriter(false);
        GroupCommit<Item, Integer> commit = new GroupCommit<>("items", nowhere, workers, 200, 1000, writer);

        assertThatThrownBy(() -> commit.write(new Item(1, "one"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("could not write items")
                .hasCauseInstanceOf(java.sql.SQLTransientConnectionException.class); // it passes: tried again later
        assertThat(writer.batches).isEmpty();
    }

    private static List<Integer> ids() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("select id from items order by id")) {
            List<Integer> ids = new ArrayList<>();
            while (rows.next()) {
                ids.add(rows.getInt(1));
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("waited 30 s in vain");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
