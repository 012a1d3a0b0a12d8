package dev.agentdojo.benchmarks;

import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs every benchmark of this module in one JVM session and prints, for each case, the median of
 * its measured iterations and its ratio to the baseline measured in the same run, as a Markdown
 * table for {@code BENCHMARKS.md}. JMH's own command-line options are accepted and override the
 * defaults here (1 fork, 5 warm-up and 10 measured iterations of 1 s).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar            # everything
 * java -jar benchmarks/target/benchmarks.jar -f 2 -i 20 # more forks and iterations
 * </pre>
 */
public final class BenchmarkReport {

    /** A case, its baseline, and the target the case is held to (null when only reported). */
    private record Row(String name, String caseKey, String baselineKey, Target target) {
    }

    /** A target on a case's median and its baseline's. */
    private interface Target {
        String describe();

        boolean met(double caseMedian, double baselineMedian);
    }

    private static Target ratioAtMost(double ratio) {
        return new Target() {
            public String describe() {
                return "≤ " + (ratio == (long) ratio ? String.valueOf((long) ratio) : String.valueOf(ratio)) + "×";
            }

            public boolean met(double c, double b) {
                return c / b <= ratio;
            }
        };
    }

    /** The targets (shared-bus as a Quarkus extension), each beside its baseline. */
    private static final List<Row> ROWS = List.of(
            new Row("emitSync, seed setup (1 listener + `*`, history 100)", "EmitSyncBenchmark.emitSyncWithHistoryAndWildcard [listeners=1]",
                    "EmitSyncBenchmark.guava [listeners=1]", new Target() {
                        public String describe() {
                            return "≤ 60 ns and ≥ 3× faster than Guava";
                        }

                        public boolean met(double c, double b) {
                            return c <= 60 && b / c >= 3;
                        }
                    }),
            new Row("emitSync, seed setup", "EmitSyncBenchmark.emitSyncWithHistoryAndWildcard [listeners=1]",
                    "EmitSyncBenchmark.bareLoopPlusOne [listeners=1]", null),
            new Row("emitSync, 1 listener, history off", "EmitSyncBenchmark.emitSync [listeners=1]",
                    "EmitSyncBenchmark.bareLoop [listeners=1]", ratioAtMost(10)),
            new Row("emitSync, 10 listeners + `*`, history 100", "EmitSyncBenchmark.emitSyncWithHistoryAndWildcard [listeners=10]",
                    "EmitSyncBenchmark.guava [listeners=10]", null),
            new Row("emitSync, 10 listeners, history off", "EmitSyncBenchmark.emitSync [listeners=10]",
                    "EmitSyncBenchmark.bareLoop [listeners=10]", null),
            new Row("emitSync, seed setup, Prometheus meters on", "MetricsBenchmark.withMeters",
                    "MetricsBenchmark.withoutMeters", new Target() {
                        public String describe() {
                            return "meters add ≤ 20 ns";
                        }

                        public boolean met(double c, double b) {
                            return c - b <= 20;
                        }
                    }),
            new Row("emit, 1 async listener, batch of 1,000 awaited", "EmitAsyncBenchmark.emit",
                    "EmitAsyncBenchmark.vertxPublish", ratioAtMost(1)));

    private BenchmarkReport() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions commandLine = new CommandLineOptions(args);
        OptionsBuilder builder = new OptionsBuilder();
        builder.parent(commandLine);
        if (commandLine.getIncludes().isEmpty()) {
            builder.include("dev\\.agentdojo\\..*Benchmark\\..*");
        }
        Options options = builder
                .forks(commandLine.getForkCount().orElse(1))
                .warmupIterations(commandLine.getWarmupIterations().orElse(5))
                .warmupTime(commandLine.getWarmupTime().orElse(TimeValue.seconds(1)))
                .measurementIterations(commandLine.getMeasurementIterations().orElse(10))
                .measurementTime(commandLine.getMeasurementTime().orElse(TimeValue.seconds(1)))
                .build();
        Collection<RunResult> results = new Runner(options).run();

        Map<String, Double> medians = new TreeMap<>();
        for (RunResult run : results) {
            String method = run.getParams().getBenchmark().replaceAll(".*\\.(\\w+\\.\\w+)$", "$1");
            String params = run.getParams().getParamsKeys().stream()
                    .map(key -> key + "=" + run.getParams().getParam(key))
                    .reduce((a, b) -> a + "," + b).map(p -> " [" + p + "]").orElse("");
            medians.put(method + params, median(run));
        }

        System.out.println();
        System.out.println("| case | baseline | case median (ns/op) | baseline median (ns/op) | ratio | target |");
        System.out.println("|---|---|---:|---:|---:|---|");
        for (Row row : ROWS) {
            Double value = medians.get(row.caseKey());
            Double base = medians.get(row.baselineKey());
            if (value == null || base == null) {
                continue;
            }
            String target = row.target() == null ? "—"
                    : row.target().describe() + (row.target().met(value, base) ? " — met" : " — missed");
            System.out.printf(Locale.ROOT, "| %s | `%s` | %.1f | %.1f | %.2f× | %s |%n",
                    row.name(), row.baselineKey(), value, base, value / base, target);
        }
    }

    private static double median(RunResult run) {
        double[] scores = run.getBenchmarkResults().stream()
                .map(BenchmarkResult::getIterationResults)
                .flatMap(Collection::stream)
                .mapToDouble((IterationResult r) -> r.getPrimaryResult().getScore())
                .sorted()
                .toArray();
        int n = scores.length;
        return n % 2 == 1 ? scores[n / 2] : (scores[n / 2 - 1] + scores[n / 2]) / 2;
    }
}
