package dev.agentdojo.benchmarks;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;

/**
 * Gives a stopped product the state of many settled orders, quickly: {@code --orders} orders,
 * confirmed, with their chain events in order-service's database, their payments in payment-service's,
 * and three events per order on the topics (two on order-service's, one on payment-service's, each
 * written with its service's login from the local broker's directory {@code --kafka-dir}), as the
 * services would have left them. For timing a
 * restart against a fresh start (scripts/load.sh with RESTART=1 ORDERS=…), not for load.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.agentdojo.benchmarks.FillState \
 *      --orders 100000 --postgres 127.0.0.1:5432 --kafka-dir target/kafka
 * </pre>
 */
public final class FillState {


    private FillState() {
    }

    private static KafkaProducer<String, String> producer(String kafkaDir, String principal) {
        Properties props = OrderLoad.login(kafkaDir + "/" + principal + ".client.properties");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        return new KafkaProducer<>(props);
    }

    public static void main(String[] args) throws Exception {
        int orders = 100_000;
        String postgres = "127.0.0.1:5432";
        String kafka = "target/kafka";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--orders" -> orders = Integer.parseInt(args[i + 1]);
                case "--postgres" -> postgres = args[i + 1];
                case "--kafka-dir" -> kafka = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long start = System.nanoTime();
        sql(postgres, "orders", """
                insert into orders (id, customer, amount, currency, status, payment_id, created_at, updated_at, settled_by)
                select 'fill-' || n, 'customer-' || n, 19.99, 'EUR', 'CONFIRMED', 'pay-' || n, now(), now(), 'out-' || n
                from generate_series(1, %d) n""".formatted(orders));
        sql(postgres, "orders", """
                insert into order_events (id, order_id, name, args, emitted_at, source, correlation_id, causation_id)
                select e || '-' || n, 'fill-' || n, e, '["fill-' || n || '"]', now(), 'order-service', 'created-' || n, null
                from generate_series(1, %d) n, unnest(array['created', 'process', 'out']) e""".formatted(orders));
        sql(postgres, "payments", """
                insert into payments (order_id, id, amount, currency, status, charged_at)
                select 'fill-' || n, 'pay-' || n, 19.99, 'EUR', 'APPROVED', now()
                from generate_series(1, %d) n""".formatted(orders));
        String[][] chain = {{"order:created", "order-service", "agent-dojo.orders"}, {"payment:process", "order-service", "agent-dojo.orders"},
                {"order:confirmed", "payment-service", "agent-dojo.payments"}};
        try (KafkaProducer<String, String> orderService = producer(kafka, "order-service");
             KafkaProducer<String, String> paymentService = producer(kafka, "payment-service")) {
            for (int n = 1; n <= orders; n++) {
                String correlation = UUID.randomUUID().toString();
                for (String[] event : chain) {
                    String envelope = "{\"id\":\"" + UUID.randomUUID() + "\",\"name\":\"" + event[0] + "\",\"args\":[\"fill-" + n
                            + "\"],\"timestamp\":\"" + Instant.now() + "\",\"source\":\"" + event[1] + "\",\"correlationId\":\""
                            + correlation + "\",\"causationId\":null}";
                    (event[1].equals("order-service") ? orderService : paymentService).send(new ProducerRecord<>(event[2], correlation, envelope));
                }
            }
            orderService.flush();
            paymentService.flush();
        }
        System.out.printf("%d settled orders, their chains and payments in the databases, %d events on the topics, in %d ms%n",
                orders, orders * 3, (System.nanoTime() - start) / 1_000_000);
    }

    /** Runs a statement as the database's owner, with the password the local server wrote to {@code PG_DIR/DATABASE.env}. */
    private static void sql(String postgres, String database, String statement) throws Exception {
        Properties login = new Properties();
        try (var in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(System.getenv().getOrDefault("PG_DIR", "target/postgres"), database + ".env"))) {
            login.load(in);
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + postgres + "/" + database,
                login.getProperty("PG_USER"), login.getProperty("PG_PASSWORD"));
             Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
