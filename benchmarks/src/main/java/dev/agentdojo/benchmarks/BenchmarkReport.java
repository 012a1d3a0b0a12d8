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

    /** Case to baseline, by benchmark method name. */
    private static final Map<String, String> BASELINES = Map.of(
            "emitSync", "bareLoop",
            "emitSyncWithHistoryAndWildcard", "bareLoopPlusOne",
            "emit", "vertxPublish");

    private static final Map<String, Double> TARGETS = Map.of(
            "emitSync", 2.0,
            "emitSyncWithHistoryAndWildcard", 4.0,
            "emit", 1.0);

    private BenchmarkReport() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions commandLine = new CommandLineOptions(args);
        Options options = new OptionsBuilder()
                .parent(commandLine)
                .include(commandLine.getIncludes().isEmpty() ? "dev\\.agentdojo\\.benchmarks\\..*" : ".*")
                .forks(commandLine.getForkCount().orElse(1))
                .warmupIterations(commandLine.getWarmupIterations().orElse(5))
                .warmupTime(commandLine.getWarmupTime().orElse(TimeValue.seconds(1)))
                .measurementIterations(commandLine.getMeasurementIterations().orElse(10))
                .measurementTime(commandLine.getMeasurementTime().orElse(TimeValue.seconds(1)))
                .build();
        Collection<RunResult> results = new Runner(options).run();

        Map<String, Double> medians = new TreeMap<>();
        for (RunResult run : results) {
            String method = run.getParams().getBenchmark().replaceAll(".*\\.", "");
            String params = run.getParams().getParamsKeys().stream()
                    .map(key -> key + "=" + run.getParams().getParam(key))
                    .reduce((a, b) -> a + "," + b).map(p -> " [" + p + "]").orElse("");
            medians.put(method + params, median(run));
        }

        System.out.println();
        System.out.println("| case | baseline | case median (ns/op) | baseline median (ns/op) | ratio | target |");
        System.out.println("|---|---|---:|---:|---:|---|");
        medians.forEach((key, value) -> {
            String method = key.replaceAll(" .*", "");
            String baseline = BASELINES.get(method);
            if (baseline == null) {
                return;
            }
            String baselineKey = baseline + key.substring(method.length());
            Double base = medians.get(baselineKey);
            if (base == null) {
                return;
            }
            double ratio = value / base;
            double target = TARGETS.get(method);
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.2f× | ≤ %.0f× %s |%n",
                    key, baselineKey, value, base, ratio, target, ratio <= target ? "met" : "missed");
        });
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
