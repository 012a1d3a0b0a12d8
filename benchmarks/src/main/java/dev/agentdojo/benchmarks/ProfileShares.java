package dev.agentdojo.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a service's Java threads spend their CPU, from a Flight Recorder file: each execution sample
 * ({@code jdk.ExecutionSample}) goes to the part of the stack that owns the nearest frame to its top
 * with a known owner — JDK frames count for whoever called them, so a {@code HashMap} lookup in the
 * Kafka client is the Kafka client's. Prints, as Markdown, the share of samples per part, per thread
 * group and per hot method; only the samples between two instants when given (the recording starts
 * with the JVM, so that Flight Recorder's instrumentation does not make the JIT compile everything
 * again in the middle of a run). {@code scripts/load.sh} runs it on the recordings of {@code PROFILE=1}.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.agentdojo.benchmarks.ProfileShares FILE.jfr [FROM_EPOCH_MS TO_EPOCH_MS]</pre>
 */
public final class ProfileShares {

    /** Owners by class-name prefix; the first that matches wins, so the narrower come first. */
    private static final String[][] PARTS = {
            {"dev.agentdojo.service.events.AuditLog", "logging (the audit log)"},
            {"org.jboss.logmanager.", "logging (the audit log)"},
            {"org.jboss.logging.", "logging (the audit log)"},
            {"io.quarkus.bootstrap.logging.", "logging (the audit log)"},
            {"java.util.logging.", "logging (the audit log)"},
            {"java.util.Formatter", "logging (the audit log)"},
            {"dev.agentdojo.bus.bridge.EventLogTail", "the live log's consumer"},
            {"dev.agentdojo.bus.bridge.LogTail", "the live log's consumer"},
            {"io.debezium.", "Debezium (decoding, conversion)"},
            {"dev.agentdojo.outbox.commit.", "JDBC and group commit"},
            {"dev.agentdojo.outbox.", "Debezium (decoding, conversion)"},
            {"org.postgresql.", "JDBC and group commit"},
            {"io.agroal.", "JDBC and group commit"},
            {"io.quarkus.agroal.", "JDBC and group commit"},
            {"io.quarkus.narayana.", "JDBC and group commit"},
            {"com.arjuna.", "JDBC and group commit"},
            {"org.hibernate.validator.", "validation"},
            {"jakarta.validation.", "validation"},
            {"io.quarkus.hibernate.validator.", "validation"},
            {"org.hibernate.", "Hibernate ORM"},
            {"io.quarkus.hibernate.orm.", "Hibernate ORM"},
            {"org.apache.kafka.", "Kafka client"},
            {"io.smallrye.reactive.messaging.kafka.", "Kafka client"},
            {"com.fasterxml.jackson.", "JSON"},
            {"io.quarkus.jackson.", "JSON"},
            {"io.opentelemetry.", "tracing"},
            {"io.quarkus.opentelemetry.", "tracing"},
            {"io.micrometer.", "metrics"},
            {"io.quarkus.micrometer.", "metrics"},
            {"dev.agentdojo.bus.", "the bus"},
            {"dev.agentdojo.", "the services' own code"},
            {"org.jboss.resteasy.", "HTTP and REST"},
            {"io.quarkus.resteasy.", "HTTP and REST"},
            {"io.quarkus.vertx.http.", "HTTP and REST"},
            {"io.vertx.core.http.", "HTTP and REST"},
            {"io.vertx.ext.web.", "HTTP and REST"},
            {"io.netty.handler.codec.http", "HTTP and REST"},
            {"io.netty.", "network (Netty)"},
            {"sun.nio.", "network (Netty)"},
            {"io.smallrye.context.", "context propagation"},
            {"io.quarkus.arc.", "CDI (ArC)"},
            {"io.smallrye.mutiny.", "Mutiny, SmallRye messaging, Vert.x"},
            {"io.smallrye.reactive.", "Mutiny, SmallRye messaging, Vert.x"},
            {"io.vertx.", "Mutiny, SmallRye messaging, Vert.x"},
            {"org.jboss.threads.", "thread pools"},
            {"java.util.concurrent.", "thread pools"},
    };

    private static final String[] JDK = {"java.", "jdk.", "sun.", "com.sun."};

    private ProfileShares() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1 && args.length != 3) {
            System.err.println("usage: ProfileShares FILE.jfr [FROM_EPOCH_MS TO_EPOCH_MS]");
            System.exit(2);
        }
        Instant from = args.length == 3 ? Instant.ofEpochMilli(Long.parseLong(args[1])) : Instant.MIN;
        Instant to = args.length == 3 ? Instant.ofEpochMilli(Long.parseLong(args[2])) : Instant.MAX;
        int top = 15;
        List<RecordedEvent> samples = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (e.getEventType().getName().equals("jdk.ExecutionSample") && e.getStackTrace() != null
                    && !e.getStartTime().isBefore(from) && !e.getStartTime().isAfter(to)) {
                samples.add(e);
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d execution samples of Java threads%n%n", Path.of(args[0]).getFileName(), samples.size());
        table("part of the stack (nearest owned frame)", count(samples, e -> owner(e.getStackTrace())), samples.size(), 100);
        table("thread group", count(samples, e -> threadGroup(e.getThread("sampledThread").getJavaName())), samples.size(), top);
        table("hot method (top frame)", count(samples, e -> method(e.getStackTrace().getFrames().get(0))), samples.size(), top);
    }

    static String owner(RecordedStackTrace stack) {
        for (RecordedFrame frame : stack.getFrames()) {
            String type = frame.getMethod().getType().getName();
            for (String[] part : PARTS) {
                if (type.startsWith(part[0])) {
                    return part[1];
                }
            }
            if (!startsWithAny(type, JDK)) {
                return "other libraries";
            }
        }
        return "the JDK alone (no caller known)";
    }

    /** "vert.x-eventloop-thread-1" and "executor-thread-12" count as one group each. */
    static String threadGroup(String name) {
        return name == null ? "?" : name.replaceAll("[-#\\s]*\\d+$", "").replaceAll("-\\d+-", "-N-");
    }

    private static String method(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    }

    private static boolean startsWithAny(String s, String[] prefixes) {
        for (String p : prefixes) {
            if (s.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Integer> count(List<RecordedEvent> samples, Function<RecordedEvent, String> key) {
        Map<String, Integer> counts = new HashMap<>();
        for (RecordedEvent e : samples) {
            counts.merge(key.apply(e), 1, Integer::sum);
        }
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    private static void table(String title, Map<String, Integer> counts, int total, int top) {
        System.out.printf(Locale.ROOT, "| %s | share |%n|---|---|%n", title);
        counts.entrySet().stream().limit(top).forEach(e -> System.out.printf(Locale.ROOT, "| %s | %.1f %% |%n",
                e.getKey(), 100.0 * e.getValue() / Math.max(1, total)));
        System.out.println();
    }
}
