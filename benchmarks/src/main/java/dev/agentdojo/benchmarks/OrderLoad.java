package dev.agentdojo.benchmarks;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A load harness for the running product: posts orders to order-service at a fixed rate for a
 * fixed time and measures, per order, POST → 202 and POST → final state (the moment its
 * {@code order:confirmed} or {@code payment:failed} arrives on order-service's
 * {@code /events/stream}). Reports medians and 99th percentiles, the sustained rate of final
 * orders, and how many accepted orders never reached a final state.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.agentdojo.benchmarks.OrderLoad \
 *      --url http://127.0.0.1:8080 --rate 2000 --seconds 60 --in-flight 512 --connections 64
 * </pre>
 *
 * Uses Vert.x's HTTP client with a pool of {@code --connections} keep-alive connections (a request
 * beyond them waits for one, and that wait counts in its latency). Bounded: at most
 * {@code --in-flight} requests at once (a send that would exceed it is counted as not sent), the run
 * stops by itself, and it talks only to the given URL (run it against loopback).
 */
public final class OrderLoad {

    private static final Pattern OUTCOME = Pattern.compile("\"name\":\"(order:confirmed|payment:failed)\",\"args\":\\[\"([0-9a-f-]{36})\"");
    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");

    private final URI url;
    private final int rate;
    private final int seconds;
    private final int maxInFlight;
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http;
    private final AtomicLong inFlight = new AtomicLong();
    private final Map<String, Long> postedAt = new ConcurrentHashMap<>();
    private final Map<String, Long> finalAt = new ConcurrentHashMap<>();
    private final Map<String, Long> earlyOutcomes = new ConcurrentHashMap<>();
    private final List<Long> acceptLatencies = Collections.synchronizedList(new ArrayList<>());
    private final LongAdder rejected = new LongAdder();
    private final LongAdder failedRequests = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private long sent;

    private OrderLoad(URI url, int rate, int seconds, int maxInFlight, int connections) {
        this.url = url;
        this.rate = rate;
        this.seconds = seconds;
        this.maxInFlight = maxInFlight;
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost(url.getHost())
                .setDefaultPort(url.getPort()), new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(maxInFlight));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new ConcurrentHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        OrderLoad load = new OrderLoad(URI.create(options.getOrDefault("url", "http://127.0.0.1:8080")),
                Integer.parseInt(options.getOrDefault("rate", "2000")),
                Integer.parseInt(options.getOrDefault("seconds", "60")),
                Integer.parseInt(options.getOrDefault("in-flight", "512")),
                Integer.parseInt(options.getOrDefault("connections", "64")));
        load.run();
        System.exit(0);
    }

    private void run() throws Exception {
        followOutcomes().get(10, TimeUnit.SECONDS);
        System.out.printf(Locale.ROOT, "Posting %d orders/s for %d s to %s%n", rate, seconds, url);
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
        while ((inFlight.get() > 0 || finalAt.size() < postedAt.size()) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        report(sendSeconds);
    }

    private void post(long n) {
        if (inFlight.get() >= maxInFlight) {
            skipped.increment();
            return;
        }
        inFlight.incrementAndGet();
        String body = "{\"customer\":\"load-" + n + "\",\"amount\":" + (n % 20 == 0 ? "20000" : "19.99") + "}";
        long t0 = System.nanoTime();
        http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/orders")
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
                        String id = m.group(1);
                        postedAt.put(id, t0);
                        Long early = earlyOutcomes.remove(id);
                        if (early != null) {
                            finalAt.put(id, early);
                        }
                    }
                });
    }

    /** Reads order-service's event stream and notes when each order's outcome arrives. */
    private CompletableFuture<Void> followOutcomes() {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        HttpClient stream = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(url.getHost()).setDefaultPort(url.getPort()));
        stream.request(HttpMethod.GET, "/events/stream")
                .compose(request -> request.putHeader("Accept", "text/event-stream").send())
                .onSuccess(response -> {
                    connected.complete(null);
                    StringBuilder pending = new StringBuilder();
                    response.handler(chunk -> {
                        long now = System.nanoTime();
                        pending.append(chunk.toString());
                        int newline;
                        while ((newline = pending.indexOf("\n")) >= 0) {
                            String line = pending.substring(0, newline);
                            pending.delete(0, newline + 1);
                            Matcher m = OUTCOME.matcher(line);
                            if (line.startsWith("data:") && m.find()) {
                                String id = m.group(2);
                                if (postedAt.containsKey(id)) {
                                    finalAt.putIfAbsent(id, now);
                                } else {
                                    earlyOutcomes.put(id, now); // the outcome can beat the 202 to the client
                                }
                            }
                        }
                    });
                })
                .onFailure(connected::completeExceptionally);
        return connected;
    }

    private void report(double sendSeconds) throws Exception {
        long[] toFinal = postedAt.entrySet().stream()
                .filter(e -> finalAt.containsKey(e.getKey()))
                .mapToLong(e -> finalAt.get(e.getKey()) - e.getValue())
                .sorted().toArray();
        long[] accept;
        synchronized (acceptLatencies) {
            accept = acceptLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        long stillPending = 0;
        long finalUnseen = 0;
        for (String id : postedAt.keySet()) {
            if (finalAt.containsKey(id)) {
                continue;
            }
            String order = http.request(HttpMethod.GET, "/orders/" + id).compose(r -> r.send())
                    .compose(r -> r.body()).map(Buffer::toString)
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            if (order.contains("\"status\":\"PENDING\"") || !order.contains("\"status\"")) {
                stillPending++;
            } else {
                finalUnseen++;
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "orders sent            %d in %.1f s (%d more not sent: %d already in flight)%n",
                sent - skipped.sum(), sendSeconds, skipped.sum(), maxInFlight);
        System.out.printf(Locale.ROOT, "accepted (202)         %d; refused %d; failed requests %d%n",
                postedAt.size(), rejected.sum(), failedRequests.sum());
        System.out.printf(Locale.ROOT, "final state seen       %d (%.0f orders/s sustained)%n",
                toFinal.length, toFinal.length / sendSeconds);
        System.out.printf(Locale.ROOT, "not final after +30 s  %d (and %d final but missed by the event stream)%n",
                stillPending, finalUnseen);
        System.out.printf(Locale.ROOT, "POST -> 202            p50 %.1f ms   p99 %.1f ms%n", pct(accept, 50), pct(accept, 99));
        System.out.printf(Locale.ROOT, "POST -> final state    p50 %.1f ms   p99 %.1f ms%n", pct(toFinal, 50), pct(toFinal, 99));
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
