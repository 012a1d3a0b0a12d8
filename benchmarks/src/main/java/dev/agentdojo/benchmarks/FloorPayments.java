package dev.agentdojo.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * payment-service's part of the floor: for each {@code payment:process} read from
 * {@code agent-dojo.orders}, the three transactions the chain's promise of one charge needs — the
 * payment recorded {@code CHARGING}; the gateway's record of the charge under the order's key (the
 * stand-in provider's own, in a transaction of its own); the outcome with its
 * {@code order:confirmed} or {@code payment:failed} in the outbox — each kind through its own
 * {@link FloorBatches}, then the outcome on {@code agent-dojo.payments}. The record counts as handled
 * once the outcome committed, as the bridge acknowledges it. {@code order:created} is read and left.
 */
final class FloorPayments {

    private static final String SOURCE = "payment-service";
    /** The stand-in gateway's limit ({@code payment.limit}): above it a charge is declined. */
    private static final BigDecimal LIMIT = new BigDecimal("10000");
    private static final String BEGIN = """
            insert into payments (order_id, amount, currency, status, charged_at, request_id, correlation_id)
            values (?, ?, ?, 'CHARGING', ?, ?, ?) on conflict (order_id) do nothing""";
    private static final String CHARGE = """
            insert into gateway_charges (idempotency_key, payment_id, amount, currency, status, reason, charged_at)
            values (?, ?, ?, ?, ?, ?, ?) on conflict (idempotency_key) do nothing""";
    private static final String COMPLETE = """
            update payments set id = ?, status = ?, reason = ?, charged_at = ? where order_id = ? and status = 'CHARGING'""";

    /** A {@code payment:process} being handled, and what its charge decided. */
    private static final class Request {
        final TopicPartition partition;
        final long offset;
        final String id;
        final String correlation;
        final String orderId;
        final BigDecimal amount;
        final String currency;
        final Instant at = Instant.now();
        String paymentId;
        /** APPROVED or DECLINED once decided; SEEN when the payment was recorded before (a redelivery: nothing more to do). */
        String status;
        String reason;
        FloorTopic.Outgoing outcome;

        Request(TopicPartition partition, long offset, JsonNode envelope) {
            this.partition = partition;
            this.offset = offset;
            this.id = envelope.get("id").asText();
            this.correlation = envelope.get("correlationId").asText();
            JsonNode args = envelope.get("args");
            this.orderId = args.get(0).asText();
            this.amount = args.get(1).decimalValue();
            this.currency = args.get(2).asText();
        }
    }

    private final FloorTopic topic;
    private final FloorConsumer consumer;
    private final FloorBatches<Request> charges;
    private final FloorBatches<Request> gateway;
    private final FloorBatches<Request> outcomes;

    FloorPayments(Properties login, Connection charging, Connection gatewayRecords, Connection completing) {
        this.topic = new FloorTopic(login, Floor.PAYMENTS_TOPIC, "payment-service-outbox-relay", SOURCE);
        this.outcomes = new FloorBatches<>("outcomes", completing, FloorPayments::complete, this::completed);
        this.gateway = new FloorBatches<>("gateway", gatewayRecords, FloorPayments::charge, batch -> batch.forEach(outcomes::submit));
        this.charges = new FloorBatches<>("charges", charging, this::begin, batch -> batch.forEach(this::decide));
        this.consumer = new FloorConsumer(login, "payment-service", Floor.ORDERS_TOPIC, this::received);
    }

    /** A record of {@code agent-dojo.orders}: a payment request is charged, anything else left. */
    private void received(ConsumerRecord<String, String> record, JsonNode envelope) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if ("payment:process".equals(envelope.get("name").asText())) {
            charges.submit(new Request(partition, record.offset(), envelope));
        } else {
            consumer.offsets().handled(partition, record.offset());
        }
    }

    void run() throws InterruptedException {
        consumer.start();
        System.out.println("floor payment side: consuming " + Floor.ORDERS_TOPIC);
        Thread.currentThread().join(); // until stopped
    }

    /** Records each payment {@code CHARGING}; one already recorded (a redelivery) is left as it is and needs no charge. */
    private void begin(Connection connection, List<Request> batch) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(BEGIN)) {
            for (Request r : batch) {
                insert.setString(1, r.orderId);
                insert.setBigDecimal(2, r.amount);
                insert.setString(3, r.currency);
                insert.setObject(4, utc(r.at));
                insert.setString(5, r.id);
                insert.setString(6, r.correlation);
                insert.addBatch();
            }
            int[] inserted = insert.executeBatch();
            for (int i = 0; i < inserted.length; i++) {
                if (inserted[i] != 1) {
                    batch.get(i).status = "SEEN";
                }
            }
        }
    }

    /** The stand-in gateway's decision, then its record of the charge. */
    private void decide(Request r) {
        if ("SEEN".equals(r.status)) {
            consumer.offsets().handled(r.partition, r.offset);
            return;
        }
        r.paymentId = UUID.randomUUID().toString();
        if (r.amount.compareTo(LIMIT) > 0) {
            r.status = "DECLINED";
            r.reason = "amount " + r.amount.toPlainString() + " " + r.currency + " exceeds the limit of " + LIMIT.toPlainString();
        } else {
            r.status = "APPROVED";
        }
        String id = UUID.randomUUID().toString();
        String amount = r.amount.toPlainString() + ",\"" + r.currency + "\"";
        String name = "APPROVED".equals(r.status) ? "order:confirmed" : "payment:failed";
        r.outcome = new FloorTopic.Outgoing(id, name, r.correlation, "APPROVED".equals(r.status)
                ? Floor.envelope(id, "order:confirmed", "\"" + r.orderId + "\",\"" + r.paymentId + "\"," + amount, Instant.now(), SOURCE,
                        r.correlation, r.id)
                : Floor.envelope(id, "payment:failed", "\"" + r.orderId + "\",\"" + r.reason + "\"," + amount, Instant.now(), SOURCE,
                        r.correlation, r.id));
        gateway.submit(r);
    }

    private static void charge(Connection connection, List<Request> batch) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(CHARGE)) {
            for (Request r : batch) {
                insert.setString(1, r.orderId);
                insert.setString(2, r.paymentId);
                insert.setBigDecimal(3, r.amount);
                insert.setString(4, r.currency);
                insert.setString(5, r.status);
                insert.setObject(7, utc(Instant.now()));
                if (r.reason == null) {
                    insert.setNull(6, Types.VARCHAR);
                } else {
                    insert.setString(6, r.reason);
                }
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void complete(Connection connection, List<Request> batch) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(COMPLETE)) {
            for (Request r : batch) {
                update.setString(1, r.paymentId);
                update.setString(2, r.status);
                if (r.reason == null) {
                    update.setNull(3, Types.VARCHAR);
                } else {
                    update.setString(3, r.reason);
                }
                update.setObject(4, utc(Instant.now()));
                update.setString(5, r.orderId);
                update.addBatch();
            }
            update.executeBatch();
        }
        List<FloorTopic.Outgoing> events = new ArrayList<>(batch.size());
        batch.forEach(r -> events.add(r.outcome));
        FloorOutbox.write(connection, events, SOURCE);
    }

    private void completed(List<Request> batch) {
        List<FloorTopic.Outgoing> events = new ArrayList<>(batch.size());
        for (Request r : batch) {
            events.add(r.outcome);
            consumer.offsets().handled(r.partition, r.offset);
        }
        topic.send(events);
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
