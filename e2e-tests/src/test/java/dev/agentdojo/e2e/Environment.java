package dev.agentdojo.e2e;

import dev.agentdojo.kafka.LocalKafka;

import java.nio.file.Path;
import java.util.Map;

/**
 * The whole product on this machine, started once for all end-to-end tests: a Kafka broker and
 * both services, each in its own process, on free ports. Stopped when the test JVM exits.
 */
final class Environment {

    private static Environment instance;

    final LocalKafka kafka;
    final ServiceProcess orders;
    final ServiceProcess payments;

    private Environment() {
        Path work = Path.of(System.getProperty("e2e.work", "target/e2e")).resolve("run-" + System.currentTimeMillis());
        kafka = LocalKafka.start(work.resolve("kafka"), LocalKafka.freePort());
        Map<String, String> common = Map.of("kafka.bootstrap.servers", kafka.bootstrapServers());
        orders = new ServiceProcess("order-service", jar("order-service.jar"), LocalKafka.freePort(), common, work);
        payments = new ServiceProcess("payment-service", jar("payment-service.jar"), LocalKafka.freePort(), common, work);
        payments.start();
        orders.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            orders.stop();
            payments.stop();
            kafka.stop();
        }));
    }

    static synchronized Environment get() {
        if (instance == null) {
            instance = new Environment();
        }
        return instance;
    }

    private static Path jar(String property) {
        String path = System.getProperty(property);
        if (path == null) {
            throw new IllegalStateException("system property " + property + " is not set (run through Maven)");
        }
        return Path.of(path);
    }
}
