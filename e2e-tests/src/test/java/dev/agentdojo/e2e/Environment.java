package dev.agentdojo.e2e;

import dev.agentdojo.kafka.LocalKafka;
import dev.agentdojo.local.Credentials;
import dev.agentdojo.postgres.LocalPostgres;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The whole product on this machine, started once for all end-to-end tests: a Kafka broker, a
 * PostgreSQL server and both services, each in its own process, on free ports. Stopped when the
 * test JVM exits.
 */
final class Environment {

    private static Environment instance;

    final LocalKafka kafka;
    final LocalPostgres postgres;
    final Path work;
    /** What every service process is started with: where the broker and the database are. */
    final Map<String, String> common;
    final ServiceProcess orders;
    final ServiceProcess payments;
    /** The operator's token for the services' dead letters ({@code DEAD_LETTERS_TOKEN}), kept as the servers keep their passwords. */
    final String operatorToken;

    private Environment() {
        work = Path.of(System.getProperty("e2e.work", "target/e2e")).resolve("run-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis());
        kafka = LocalKafka.start(work.resolve("kafka"), LocalKafka.freePort());
        postgres = LocalPostgres.start(work.resolve("postgres"), LocalPostgres.freePort(), "orders", "payments");
        common = Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(), "PG_PORT", String.valueOf(postgres.port()));
        operatorToken = new Credentials(work.resolve("operator"), "the operator's token for the services' dead letters; keep private")
                .password("dead-letters");
        orders = new ServiceProcess("order-service", jar("order-service.jar"), LocalKafka.freePort(), common, operated(login(kafka, postgres, "order-service")), work);
        payments = new ServiceProcess("payment-service", jar("payment-service.jar"), LocalKafka.freePort(), common, operated(login(kafka, postgres, "payment-service")), work);
        // before the services start: a service that fails to start must not leave the broker and the server running
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            orders.stop();
            payments.stop();
            kafka.stop();
            postgres.stop();
        }));
        payments.start();
        orders.start();
    }

    /** One more instance of a service, on a port of its own, with nothing else set: not started. */
    ServiceProcess another(String service, String name) {
        return new ServiceProcess(name, jar(service + ".jar"), LocalKafka.freePort(), common, operated(login(kafka, postgres, service)), work);
    }

    /** {@code environment} with the operator's token, so that the service's dead letters may be handled. */
    private Map<String, String> operated(Map<String, String> environment) {
        Map<String, String> all = new HashMap<>(environment);
        all.put("DEAD_LETTERS_TOKEN", operatorToken);
        return Map.copyOf(all);
    }

    /**
     * How {@code service} logs in: to the broker as its own principal, to PostgreSQL as its database's
     * owner, as {@code scripts/kafka.sh} and {@code scripts/postgres.sh} write to their {@code .env} files.
     */
    static Map<String, String> login(LocalKafka kafka, LocalPostgres postgres, String service) {
        String database = service.replace("-service", "s"); // order-service: orders
        return Map.of("KAFKA_USERNAME", service, "KAFKA_PASSWORD", kafka.password(service),
                "PG_USER", database, "PG_PASSWORD", postgres.password(database));
    }

    static synchronized Environment get() {
        if (instance == null) {
            instance = new Environment();
        }
        return instance;
    }

    static Path jar(String property) {
        String path = System.getProperty(property);
        if (path == null) {
            throw new IllegalStateException("system property " + property + " is not set (run through Maven)");
        }
        return Path.of(path);
    }
}
