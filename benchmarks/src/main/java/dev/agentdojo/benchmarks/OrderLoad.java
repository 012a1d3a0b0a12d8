package dev.agentdojo.benchmarks;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A load harness for the running product: posts orders to order-service at a fixed rate for a
 * fixed time and measures, per order, POST → 202 and POST → final state (the moment its
 * {@code order:confirmed} or {@code payment:failed} was written to the event topic, by the record's
 * timestamp). Reports medians and 99th percentiles, the sustained rate of final orders, and how many
 * accepted orders never reached a final state.
 *
 * <p>Final states are read from payment-service's topic by a group-less Kafka consumer logged in
 * with {@code --kafka-login} (a Java client's properties: the broker and a principal that may read
 * the topic, e.g. the local broker's {@code observer.client.properties}), not from the service's
 * event stream: a reader that falls behind at a high rate loses nothing and still times every
 * outcome exactly, since the time is the record's, not the moment the harness reads it.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.agentdojo.benchmarks.OrderLoad \
 *      --url http://127.0.0.1:8080 --kafka-login target/kafka/observer.client.properties --rate 2000 --seconds 60 --in-flight 512 --connections 64
 * </pre>
 *
 * <p>{@code --url} may list several order-service instances, comma-separated: the orders go to
 * each in turn, each instance with its own pool of {@code --connections}.
 *
 * Uses Vert.x's HTTP client with a pool of {@code --connections} keep-alive connections (a request
 * beyond them waits for one, and that wait counts in its latency). Bounded: at most
 * {@code --in-flight} requests at once (a send that would exceed it is counted as not sent), the run
 * stops by itself, and it talks only to the given URL and broker (run it against loopback).
 */
public final class OrderLoad {

    /** payment-service's topic, where the outcomes are. */
    private static final String TOPIC = "agent-dojo.payments";
    /** Where order-service's events are relayed: when an order's {@code order:created} got there. */
    private static final String ORDERS_TOPIC = "agent-dojo.orders";
    private static final Pattern CREATED = Pattern.compile("\"name\":\"order:created\",\"args\":\\[\"([0-9a-f-]{36})\"");
    private static final Pattern EMITTED = Pattern.compile("\"timestamp\":\"([^\"]+)\"");
    private static final Pattern OUTCOME = Pattern.compile("\"name\":\"(order:confirmed|payment:failed)\",\"args\":\\[\"([0-9a-f-]{36})\"");
    private static final Pattern HOP = Pattern.compile("\"event\":\"([a-z:]+)\".*?\"sinceFirstMs\":(\\d+)");
    /** How many of the first accepted orders have their chain's hops reported. */
    private static final int CHAINS = 300;
    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");

    private final List<URI> urls;
    private final String kafka;
    private final int rate;
    private final int seconds;
    private final int maxInFlight;
    private final int connections;
    private final Vertx vertx = Vertx.vertx();
    private final List<HttpClient> clients;
    private final HttpClient http;
    private final AtomicLong inFlight = new AtomicLong();
    /** Accepted orders: when each was posted (epoch ms, the clock of the records' timestamps). */
    private final Map<String, Long> postedAt = new ConcurrentHashMap<>();
    /** Outcomes on the topic: when each order's was written (the record's timestamp, epoch ms). */
    private final Map<String, Long> finalAt = new ConcurrentHashMap<>();
    /** Along the path: when each order's {@code order:created} reached its topic, and when payment-service emitted its outcome. */
    private final Map<String, Long> relayedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> outcomeEmittedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
    private final List<Long> acceptLatencies = Collections.synchronizedList(new ArrayList<>());
    private final LongAdder rejected = new LongAdder();
    private final LongAdder failedRequests = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private volatile boolean reading = true;
    private long sent;

    private OrderLoad(List<URI> urls, String kafka, int rate, int seconds, int maxInFlight, int connections) {
        this.urls = urls;
        this.kafka = kafka;
        this.rate = rate;
        this.seconds = seconds;
        this.maxInFlight = maxInFlight;
        this.connections = connections;
        this.clients = urls.stream().map(url -> vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                .setDefaultHost(url.getHost()).setDefaultPort(url.getPort()),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(maxInFlight))).toList();
        this.http = clients.get(0);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new ConcurrentHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        OrderLoad load = new OrderLoad(Arrays.stream(options.getOrDefault("url", "http://127.0.0.1:8080").split(","))
                        .map(String::trim).map(URI::create).toList(),
                options.getOrDefault("kafka-login", "target/kafka/observer.client.properties"),
                Integer.parseInt(options.getOrDefault("rate", "2000")),
                Integer.parseInt(options.getOrDefault("seconds", "60")),
                Integer.parseInt(options.getOrDefault("in-flight", "512")),
                Integer.parseInt(options.getOrDefault("connections", "64")));
        load.run();
        System.exit(0);
    }

    private void run() throws Exception {
        Thread reader = followOutcomesOnTheTopic();
        warmOwnClient();
        System.out.printf(Locale.ROOT, "Posting %d orders/s for %d s to %s (at most %d in flight over %d connections); "
                + "final states read from topic %s on %s%n", rate, seconds, urls, maxInFlight, connections, TOPIC, kafka);
        long start = System.nanoTime();
        long total = (long) rate * seconds;
        CompletableFuture<Void> allSent = new CompletableFuture<>();
        // every millisecond, send what the schedule says is due: an open-loop load at a fixed rate
        vertx.setPeriodic(1, timer -> {
            long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L + 1);
            while (sent < due) {
                sent++;
                post(sent);
            }
            if (sent >= total) {
                vertx.cancelTimer(timer);
                allSent.complete(null);
            }
        });
        allSent.get(seconds + 60L, TimeUnit.SECONDS);
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((inFlight.get() > 0 || !finalAt.keySet().containsAll(postedAt.keySet())) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        reading = false;
        reader.join(TimeUnit.SECONDS.toMillis(10));
        report(sendSeconds);
    }

    /**
     * The harness's own HTTP client is a fresh JVM too: it makes some requests that change nothing
     * (the live page, {@code GET /}) first, so that its warm-up does not count in the service's latency.
     */
    private void warmOwnClient() throws Exception {
        for (int i = 0; i < 300 * clients.size(); i++) {
            clients.get(i % clients.size()).request(HttpMethod.GET, "/").compose(r -> r.send()).compose(r -> r.body())
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private void post(long n) {
        if (inFlight.get() >= maxInFlight) {
            skipped.increment();
            return;
        }
        inFlight.incrementAndGet();
        String body = "{\"customer\":\"load-" + n + "\",\"amount\":" + (n % 20 == 0 ? "20000" : "19.99") + "}";
        long t0 = System.nanoTime();
        long postedMillis = System.currentTimeMillis();
        clients.get((int) (n % clients.size())).request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/orders")
                        .putHeader("Content-Type", "application/json"))
                .compose(request -> request.send(Buffer.buffer(body)))
                .compose(response -> response.body().map(b -> new Object[] {response.statusCode(), b.toString()}))
                .onComplete(result -> {
                    inFlight.decrementAndGet();
                    long t1 = System.nanoTime();
                    if (result.failed()) {
                        failedRequests.increment();
                        return;
                    }
                    if ((int) result.result()[0] != 202) {
                        rejected.increment();
                        return;
                    }
                    acceptLatencies.add(t1 - t0);
                    Matcher m = ID.matcher((String) result.result()[1]);
                    if (m.find()) {
                        postedAt.put(m.group(1), postedMillis);
                        acceptedAt.put(m.group(1), System.currentTimeMillis());
                    }
                });
    }

    /**
     * Tails the event topic from its current end, without a consumer group, and notes when each
     * order's outcome was written. Returns once it is positioned, so no outcome of this run is missed.
     */
    private Thread followOutcomesOnTheTopic() throws InterruptedException {
        Properties props = login(kafka);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // what the relays commit, never what a fenced one left
        CountDownLatch positioned = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
                List<TopicPartition> partitions = java.util.stream.Stream.of(TOPIC, ORDERS_TOPIC)
                        .flatMap(topic -> consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                                .map(p -> new TopicPartition(topic, p.partition()))).toList();
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position); // resolve the end now, before any order is posted
                positioned.countDown();
                while (reading) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.topic().equals(ORDERS_TOPIC)) {
                            Matcher c = CREATED.matcher(record.value());
                            if (c.find()) {
                                relayedAt.putIfAbsent(c.group(1), record.timestamp());
                            }
                            continue;
                        }
                        Matcher m = OUTCOME.matcher(record.value());
                        if (m.find()) {
                            finalAt.putIfAbsent(m.group(2), record.timestamp());
                            Matcher t = EMITTED.matcher(record.value());
                            if (t.find()) {
                                outcomeEmittedAt.putIfAbsent(m.group(2), java.time.Instant.parse(t.group(1)).toEpochMilli());
                            }
                        }
                    }
                }
            }
        }, "outcome-reader");
        reader.setDaemon(true);
        reader.start();
        if (!positioned.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("could not read topic " + TOPIC + " on " + kafka);
        }
        return reader;
    }

    /** A Java Kafka client's properties from a file: where the broker is and how to log in. */
    static Properties login(String file) {
        Properties props = new Properties();
        try (var in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(file))) {
            props.load(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the Kafka login " + file, e);
        }
        return props;
    }

    private void report(double sendSeconds) {
        long[] toFinal = postedAt.entrySet().stream()
                .filter(e -> finalAt.containsKey(e.getKey()))
                .mapToLong(e -> TimeUnit.MILLISECONDS.toNanos(Math.max(0, finalAt.get(e.getKey()) - e.getValue())))
                .sorted().toArray();
        long[] accept;
        synchronized (acceptLatencies) {
            accept = acceptLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "orders sent            %d in %.1f s (%d more not sent: %d already in flight)%n",
                sent - skipped.sum(), sendSeconds, skipped.sum(), maxInFlight);
        System.out.printf(Locale.ROOT, "accepted (202)         %d; refused %d; failed requests %d%n",
                postedAt.size(), rejected.sum(), failedRequests.sum());
        System.out.printf(Locale.ROOT, "final state reached    %d (%.0f orders/s sustained)%n",
                toFinal.length, toFinal.length / sendSeconds);
        System.out.printf(Locale.ROOT, "not final after +30 s  %d%n", postedAt.size() - toFinal.length);
        System.out.printf(Locale.ROOT, "POST -> 202            p50 %.1f ms   p99 %.1f ms%n", pct(accept, 50), pct(accept, 99));
        System.out.printf(Locale.ROOT, "POST -> final state    p50 %.1f ms   p99 %.1f ms  (outcome written to the topic; ms resolution)%n",
                pct(toFinal, 50), pct(toFinal, 99));
        reportPath();
        reportHops();
    }

    /**
     * Where the time from POST to the outcome on the topic goes, per order (medians over all final
     * orders, ms resolution): the order's commit (202), its relay to the topic, payment-service's
     * consuming and handling up to the outcome's emit, and the outcome's commit and relay.
     */
    private void reportPath() {
        List<Long> accept = new ArrayList<>();
        List<Long> relay = new ArrayList<>();
        List<Long> handle = new ArrayList<>();
        List<Long> relayOutcome = new ArrayList<>();
        postedAt.forEach((id, posted) -> {
            Long accepted = acceptedAt.get(id);
            Long relayed = relayedAt.get(id);
            Long emitted = outcomeEmittedAt.get(id);
            Long done = finalAt.get(id);
            if (accepted == null || relayed == null || emitted == null || done == null) {
                return;
            }
            accept.add(TimeUnit.MILLISECONDS.toNanos(accepted - posted));
            relay.add(TimeUnit.MILLISECONDS.toNanos(relayed - accepted));
            handle.add(TimeUnit.MILLISECONDS.toNanos(emitted - relayed));
            relayOutcome.add(TimeUnit.MILLISECONDS.toNanos(done - emitted));
        });
        long[][] parts = {sorted(accept), sorted(relay), sorted(handle), sorted(relayOutcome)};
        System.out.printf(Locale.ROOT, "the path, p50 (p99) ms  POST -> 202 %.0f (%.0f); 202 -> order:created on the topic %.0f (%.0f); "
                        + "-> outcome emitted by payment-service %.0f (%.0f); -> outcome on the topic %.0f (%.0f)  (%d orders)%n",
                pct(parts[0], 50), pct(parts[0], 99), pct(parts[1], 50), pct(parts[1], 99), pct(parts[2], 50), pct(parts[2], 99),
                pct(parts[3], 50), pct(parts[3], 99), parts[0].length);
    }

    private static long[] sorted(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /** The hops of the first {@value #CHAINS} accepted orders' chains, from {@code GET /orders/{id}/events}. */
    private void reportHops() {
        List<String> first = postedAt.entrySet().stream().sorted(Map.Entry.comparingByValue()).limit(CHAINS)
                .map(Map.Entry::getKey).toList();
        List<Long> toPayment = new ArrayList<>();
        List<Long> toOutcome = new ArrayList<>();
        for (String id : first) {
            String chain;
            try {
                chain = http.request(HttpMethod.GET, "/orders/" + id + "/events").compose(r -> r.send())
                        .compose(r -> r.body()).map(Buffer::toString)
                        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                continue;
            }
            Map<String, Long> since = new java.util.HashMap<>();
            Matcher m = HOP.matcher(chain);
            while (m.find()) {
                since.putIfAbsent(m.group(1), Long.parseLong(m.group(2)));
            }
            Long process = since.get("payment:process");
            Long outcome = since.containsKey("order:confirmed") ? since.get("order:confirmed") : since.get("payment:failed");
            if (process != null && outcome != null) {
                toPayment.add(TimeUnit.MILLISECONDS.toNanos(process));
                toOutcome.add(TimeUnit.MILLISECONDS.toNanos(outcome - process));
            }
        }
        long[] a = toPayment.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] b = toOutcome.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "hops of the first %d   order:created -> payment:process p50 %.0f ms p99 %.0f ms; "
                + "payment:process -> outcome p50 %.0f ms p99 %.0f ms%n", a.length, pct(a, 50), pct(a, 99), pct(b, 50), pct(b, 99));
    }
    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
