package org.distributedtesting.recovery.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.sim.FaultOutcome;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.ScenarioResult;

/**
 * Measures, for each of the ten failure types, the time to detect and to recover on the simulated 5-node cluster
 * with every built-in strategy and default thresholds: one fault per scenario, seeds 1..N, medians in cycles (one
 * per virtual second) and virtual seconds. Prints a Markdown table for the README.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -cp examples/benchmarks/target/cycle-benchmark.jar \
 *     org.distributedtesting.recovery.examples.bench.RecoveryTimes --seeds 20
 * </pre>
 *
 * <p>Not thread-safe; runs on the calling thread.
 */
public final class RecoveryTimes {

    private RecoveryTimes() {
    }

    /** One row: a failure type's medians, or why it could not be measured. */
    record Row(FailureType type, int runs, int recovered, double detectSeconds, double recoverSeconds,
               String rungs) {
    }

    /** Runs {@code seeds} scenarios per type on {@code nodes} nodes. */
    static List<Row> measure(int nodes, int seeds) {
        List<Row> rows = new ArrayList<>();
        for (FailureType type : FailureType.standard()) {
            List<Long> detect = new ArrayList<>();
            List<Long> recover = new ArrayList<>();
            List<String> rungs = new ArrayList<>();
            int recovered = 0;
            for (long seed = 1; seed <= seeds; seed++) {
                ScenarioResult result = Scenario.builder().nodes(nodes).seed(seed).inject(type)
                        .strategies(StrategyRegistry.discover(name -> Settings.EMPTY).all()).build().run();
                FaultOutcome f = result.faults().get(0);
                if (result.passed()) {
                    recovered++;
                }
                f.timeToDetect().ifPresent(detect::add);
                f.timeToRecover().ifPresent(recover::add);
                rungs.add(String.join(" > ", f.rungs()));
            }
            rows.add(new Row(type, seeds, recovered, median(detect) / 1000.0, median(recover) / 1000.0,
                    mostCommon(rungs)));
        }
        return rows;
    }

    static String table(List<Row> rows) {
        StringBuilder s = new StringBuilder();
        s.append("| failure type | passed | detected after injection (median) | recovered after injection (median)"
                + " | rungs run (most common; skipped ones included) |\n");
        s.append("|---|---|---|---|---|\n");
        for (Row r : rows) {
            // the engine's first cycle after the injection is cycle 1, one virtual second apart
            s.append(String.format(Locale.ROOT, "| %s | %d/%d | %.1f s (cycle %.0f) | %.1f s | %s |%n", r.type(),
                    r.recovered(), r.runs(), r.detectSeconds(), Math.floor(r.detectSeconds()) + 1, r.recoverSeconds(),
                    r.rungs().isEmpty() ? "-" : r.rungs()));
        }
        return s.toString();
    }

    private static double median(List<Long> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    private static String mostCommon(List<String> values) {
        return values.stream().collect(java.util.stream.Collectors.groupingBy(v -> v,
                        java.util.stream.Collectors.counting()))
                .entrySet().stream().max(java.util.Map.Entry.comparingByValue()).map(java.util.Map.Entry::getKey)
                .orElse("");
    }

    /** {@code --nodes N} (default 5), {@code --seeds N} (default 20). */
    public static void main(String[] args) {
        int nodes = 5;
        int seeds = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                case "--seeds" -> seeds = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: RecoveryTimes [--nodes N] [--seeds N]");
                    System.exit(2);
                }
            }
        }
        System.out.println("simulated " + nodes + "-node cluster, default thresholds, " + seeds
                + " seeds per type, one engine cycle per virtual second");
        System.out.print(table(measure(nodes, seeds)));
    }
}
