package dev.agentdojo.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * order-service's part of the floor, and its load: orders made at a fixed rate, open loop, at most
 * {@code in-flight} not committed yet (a send beyond is counted, not made), as {@code OrderLoad}
 * posts them. Per order, one transaction (batched with others) inserts the order, its chain's
 * {@code order:created} and {@code payment:process}, and both events into the outbox; once it
 * committed, both go on {@code agent-dojo.orders}. Each outcome read from {@code agent-dojo.payments}
 * settles its order — the conditional update and the outcome added to the chain, one transaction per
 * batch — and counts as handled once that committed.
 */
final class FloorOrders {

    private static final String SOURCE = "order-service";
    private static final String INSERT_ORDER = """
            insert into orders (id, customer, amount, currency, status, created_at, updated_at)
            values (?, ?, ?, ?, 'PENDING', ?, ?)""";
    private static final String INSERT_EVENT = """
            insert into order_events (id, order_id, name, args, emitted_at, source, correlation_id, causation_id)
            values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing""";
    private static final String SETTLE = """
            update orders set status = ?, payment_id = ?, reason = ?, updated_at = ?, settled_by = ?
            where id = ? and status = 'PENDING'""";

    /** An event of an order's chain, as {@code order_events} keeps it. */
    private record Chained(String id, String orderId, String name, String args, Instant at, String source, String correlation,
                           String causation) {
    }

    /** A new order: its row, its chain so far, the events it sends; when it was sent, and in which run. */
    private record Placing(String id, String customer, BigDecimal amount, Instant at, List<Chained> chain,
                           List<FloorTopic.Outgoing> events, long sentMillis, long sentNanos, FloorPhase phase) {
    }

    /** An outcome read from the topic, to settle its order with. */
    private record Settling(TopicPartition partition, long offset, String orderId, String status, String paymentId, String reason,
                            Chained outcome, FloorPhase phase) { // phase: null when the order is not the current run's
    }

    private final FloorTopic topic;
    private final FloorConsumer consumer;
    private final FloorBatches<Placing> placing;
    private final FloorBatches<Settling> settling;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile FloorPhase phase = new FloorPhase("start");

    FloorOrders(Properties login, Connection placingConnection, Connection settlingConnection) {
        this.topic = new FloorTopic(login, Floor.ORDERS_TOPIC, "order-service-outbox-relay", SOURCE);
        this.placing = new FloorBatches<>("orders", placingConnection, FloorOrders::place, this::placed);
        this.settling = new FloorBatches<>("settles", settlingConnection, FloorOrders::settle, this::settled);
        this.consumer = new FloorConsumer(login, "order-service", Floor.PAYMENTS_TOPIC, this::outcome);
    }

    /** The warm-up, then (once {@code SIGNALS.go} exists) the measured run and its report; then waits to be stopped. */
    void run(int rate, int warmupRate, int warmup, int seconds, int maxInFlight, Path signals) throws Exception {
        consumer.start();
        System.out.printf("floor order side: %d s of warm-up at %d orders/s, then %d s measured at %d/s, at most %d in flight%n",
                warmup, warmupRate, seconds, rate, maxInFlight);
        load("warm-up", warmupRate, warmup, maxInFlight);
        Files.writeString(Path.of(signals + ".warm"), "");
        while (!Files.exists(Path.of(signals + ".go"))) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        long transactionsBefore = topic.transactions();
        double sendSeconds = load("measured", rate, seconds, maxInFlight);
        System.out.println();
        phase.report(sendSeconds, topic.transactions() - transactionsBefore);
        Files.writeString(Path.of(signals + ".done"), "");
        Thread.currentThread().join(); // until stopped: load.sh reads this process's CPU time first
    }

    /** Sends {@code rate} orders a second for {@code seconds}, then waits up to 30 s for all to be final; the seconds sending took. */
    private double load(String name, int rate, int seconds, int maxInFlight) throws InterruptedException {
        FloorPhase run = new FloorPhase(name);
        phase = run;
        long start = System.nanoTime();
        long total = (long) rate * seconds;
        long sent = 0;
        while (sent < total) {
            long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L + 1);
            while (sent < due) {
                sent++;
                if (inFlight.get() >= maxInFlight) {
                    run.skipped();
                } else {
                    inFlight.incrementAndGet();
                    placing.submit(order(sent, run));
                }
            }
            run.sent = sent;
            LockSupport.parkNanos(1_000_000); // the harness's timer: every millisecond, what is due
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((inFlight.get() > 0 || !run.done()) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return sendSeconds;
    }

    /** Order {@code n} of a run: every 20th above the payment limit, as {@code OrderLoad}'s. */
    private static Placing order(long n, FloorPhase run) {
        String id = UUID.randomUUID().toString();
        String customer = "load-" + n;
        BigDecimal amount = n % 20 == 0 ? new BigDecimal("20000") : new BigDecimal("19.99");
        Instant at = Instant.now();
        String created = UUID.randomUUID().toString();
        String process = UUID.randomUUID().toString();
        String createdArgs = "\"" + id + "\",\"" + customer + "\"," + amount.toPlainString() + ",\"EUR\"";
        String processArgs = "\"" + id + "\"," + amount.toPlainString() + ",\"EUR\"";
        List<Chained> chain = List.of(new Chained(created, id, "order:created", "[" + createdArgs + "]", at, SOURCE, created, null),
                new Chained(process, id, "payment:process", "[" + processArgs + "]", at, SOURCE, created, created));
        List<FloorTopic.Outgoing> events = List.of(
                new FloorTopic.Outgoing(created, "order:created", created,
                        Floor.envelope(created, "order:created", createdArgs, at, SOURCE, created, null)),
                new FloorTopic.Outgoing(process, "payment:process", created,
                        Floor.envelope(process, "payment:process", processArgs, at, SOURCE, created, created)));
        return new Placing(id, customer, amount, at, chain, events, System.currentTimeMillis(), System.nanoTime(), run);
    }

    private static void place(Connection connection, List<Placing> batch) throws SQLException {
        List<Chained> chain = new ArrayList<>(batch.size() * 2);
        List<FloorTopic.Outgoing> events = new ArrayList<>(batch.size() * 2);
        try (PreparedStatement insert = connection.prepareStatement(INSERT_ORDER)) {
            for (Placing order : batch) {
                insert.setString(1, order.id());
                insert.setString(2, order.customer());
                insert.setBigDecimal(3, order.amount());
                insert.setString(4, "EUR");
                insert.setObject(5, FloorPayments.utc(order.at()));
                insert.setObject(6, FloorPayments.utc(order.at()));
                insert.addBatch();
                chain.addAll(order.chain());
                events.addAll(order.events());
            }
            insert.executeBatch();
        }
        insertChain(connection, chain);
        FloorOutbox.write(connection, events, SOURCE);
    }

    private void placed(List<Placing> batch) {
        long now = System.nanoTime();
        List<FloorTopic.Outgoing> events = new ArrayList<>(batch.size() * 2);
        for (Placing order : batch) {
            inFlight.decrementAndGet();
            order.phase().accepted(order.id(), order.sentMillis(), now - order.sentNanos());
            events.addAll(order.events());
        }
        topic.send(events);
    }

    private void outcome(ConsumerRecord<String, String> record, JsonNode envelope) {
        String name = envelope.get("name").asText();
        JsonNode args = envelope.get("args");
        String orderId = args.get(0).asText();
        boolean confirmed = "order:confirmed".equals(name);
        FloorPhase run = phase;
        FloorPhase counted = run.outcome(orderId, record.timestamp()) ? run : null; // an order of the warm-up settles uncounted
        Chained outcome = new Chained(envelope.get("id").asText(), orderId, name, args.toString(), Instant.parse(envelope.get("timestamp").asText()),
                envelope.get("source").asText(), envelope.get("correlationId").asText(), envelope.get("causationId").asText());
        settling.submit(new Settling(new TopicPartition(record.topic(), record.partition()), record.offset(), orderId,
                confirmed ? "CONFIRMED" : "PAYMENT_FAILED", confirmed ? args.get(1).asText() : null,
                confirmed ? null : args.get(1).asText(), outcome, counted));
    }

    private static void settle(Connection connection, List<Settling> batch) throws SQLException {
        Instant now = Instant.now();
        List<Chained> settled = new ArrayList<>(batch.size());
        try (PreparedStatement update = connection.prepareStatement(SETTLE)) {
            for (Settling s : batch) {
                update.setString(1, s.status());
                update.setString(2, s.paymentId());
                update.setString(3, s.reason());
                update.setObject(4, FloorPayments.utc(now));
                update.setString(5, s.outcome().id());
                update.setString(6, s.orderId());
                update.addBatch();
            }
            int[] moved = update.executeBatch();
            for (int i = 0; i < moved.length; i++) {
                if (moved[i] == 1) {
                    settled.add(batch.get(i).outcome());
                }
            }
        }
        insertChain(connection, settled);
    }

    private void settled(List<Settling> batch) {
        for (Settling s : batch) {
            if (s.phase() != null) {
                s.phase().settled();
            }
            consumer.offsets().handled(s.partition(), s.offset());
        }
    }

    private static void insertChain(Connection connection, List<Chained> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENT)) {
            for (Chained e : events) {
                insert.setString(1, e.id());
                insert.setString(2, e.orderId());
                insert.setString(3, e.name());
                insert.setString(4, e.args());
                insert.setObject(5, FloorPayments.utc(e.at()));
                insert.setString(6, e.source());
                insert.setString(7, e.correlation());
                if (e.causation() == null) {
                    insert.setNull(8, Types.VARCHAR);
                } else {
                    insert.setString(8, e.causation());
                }
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
