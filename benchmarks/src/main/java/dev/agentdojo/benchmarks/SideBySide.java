package dev.agentdojo.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The stack's CPU per order beside the floor's ({@link Floor}), measured in the same run: from the
 * CPU time each part used during each measured run ({@code scripts/load.sh}'s {@code cpu_ticks}
 * files, lines "part ticks", taken before and after) and the orders each accepted, prints, part by
 * part and in all, the ms of CPU per accepted order of each and their ratio (stack over floor).
 * A part's processes are summed (PostgreSQL's server and its backends); a trace backend
 * ({@code zipkin}) is not the stack's and is left out, as {@code load.sh}'s own report does.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.agentdojo.benchmarks.SideBySide CLK_TCK \
 *      STACK_BEFORE STACK_AFTER STACK_ORDERS FLOOR_BEFORE FLOOR_AFTER FLOOR_ORDERS</pre>
 */
public final class SideBySide {

    /** The parts compared: the stack's name, the floor's, and the row's label. */
    private static final String[][] PARTS = {
            {"order-service", "floor-order", "order-service / the floor's order side"},
            {"payment-service", "floor-payment", "payment-service / the floor's payment side"},
            {"kafka-broker", "kafka-broker", "Kafka broker"},
            {"postgresql", "postgresql", "PostgreSQL"}};

    /** The CPU time of one measured run, ms per part, and the orders it accepted. */
    record Run(Map<String, Double> millis, long orders) {

        /** ms of CPU per accepted order of {@code part} (0 when it used none), NaN when no order was accepted. */
        double perOrder(String part) {
            return orders > 0 ? millis.getOrDefault(part, 0.0) / orders : Double.NaN;
        }

        /** ms of CPU per accepted order of every part. */
        double perOrder() {
            return orders > 0 ? millis.values().stream().mapToDouble(Double::doubleValue).sum() / orders : Double.NaN;
        }
    }

    private SideBySide() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 7) {
            System.err.println("usage: SideBySide CLK_TCK STACK_BEFORE STACK_AFTER STACK_ORDERS FLOOR_BEFORE FLOOR_AFTER FLOOR_ORDERS");
            System.exit(2);
        }
        long hz = Long.parseLong(args[0]);
        Run stack = run(Files.readAllLines(Path.of(args[1])), Files.readAllLines(Path.of(args[2])), hz, Long.parseLong(args[3]));
        Run floor = run(Files.readAllLines(Path.of(args[4])), Files.readAllLines(Path.of(args[5])), hz, Long.parseLong(args[6]));
        System.out.print(table(stack, floor));
    }

    /** A run from its "part ticks" lines before and after, at {@code hz} ticks a second. */
    static Run run(List<String> before, List<String> after, long hz, long orders) {
        Map<String, Double> millis = new LinkedHashMap<>();
        ticks(after).forEach((part, ticks) -> millis.put(part, (ticks - ticks(before).getOrDefault(part, 0L)) * 1000.0 / hz));
        millis.remove("zipkin");
        return new Run(millis, orders);
    }

    private static Map<String, Long> ticks(List<String> lines) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (String line : lines) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 2) {
                ticks.merge(fields[0], Long.parseLong(fields[1]), Long::sum);
            }
        }
        return ticks;
    }

    /** The stack's CPU per order over the floor's: how many times the floor's work the stack spends. */
    static double ratio(Run stack, Run floor) {
        return stack.perOrder() / floor.perOrder();
    }

    /** The report: a Markdown table, part by part, then in all with the ratio. */
    static String table(Run stack, Run floor) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "Side by side, CPU per accepted order (the stack: %d orders; the floor: %d orders):%n", stack.orders(), floor.orders()));
        out.append("| part | the stack, ms/order | the floor, ms/order | stack / floor |\n|---|---:|---:|---:|\n");
        for (String[] part : PARTS) {
            out.append(row(part[2], stack.perOrder(part[0]), floor.perOrder(part[1])));
        }
        out.append(row("**all**", stack.perOrder(), floor.perOrder()));
        out.append(String.format(Locale.ROOT, "The stack / the floor, CPU per order: %.2fx%n", ratio(stack, floor)));
        return out.toString();
    }

    private static String row(String label, double stack, double floor) {
        return String.format(Locale.ROOT, "| %s | %.3f | %.3f | %s |%n", label, stack, floor,
                floor > 0 ? String.format(Locale.ROOT, "%.2fx", stack / floor) : "-");
    }
}
