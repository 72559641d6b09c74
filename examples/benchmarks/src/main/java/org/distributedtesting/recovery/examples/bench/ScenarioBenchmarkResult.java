package org.distributedtesting.recovery.examples.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a scenario benchmark run measured, and its table for people.
 *
 * <p>Immutable and thread-safe.
 *
 * @param options    what was asked for
 * @param jvm        the Java runtime that ran it
 * @param cpus       processors available to the JVM
 * @param strategies names of the strategies the engine ran
 * @param wall       wall time of each measured scenario, in seed order
 * @param virtual    virtual time each measured scenario simulated, in seed order
 * @param total      wall time of the whole measured campaign
 * @param failed     seeds of the scenarios that did not pass
 */
record ScenarioBenchmarkResult(ScenarioOptions options, String jvm, int cpus, List<String> strategies,
                               List<Duration> wall, List<Duration> virtual, Duration total, List<Long> failed) {

    /** Failed seeds listed in the table; the count covers the rest. */
    static final int FAILED_SEEDS_SHOWN = 10;

    /**
     * @throws NullPointerException if a reference is null
     * @throws IllegalArgumentException if the timings do not cover every measured scenario
     */
    ScenarioBenchmarkResult {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(jvm, "jvm");
        strategies = List.copyOf(strategies);
        wall = List.copyOf(wall);
        virtual = List.copyOf(virtual);
        Objects.requireNonNull(total, "total");
        failed = List.copyOf(failed);
        if (wall.size() != options.scenarios() || virtual.size() != options.scenarios()) {
            throw new IllegalArgumentException("wall and virtual must hold one time per scenario ("
                    + options.scenarios() + "), but held " + wall.size() + " and " + virtual.size());
        }
    }

    /** Scenarios that passed. */
    int passed() {
        return options.scenarios() - failed.size();
    }

    /** Mean wall time per scenario. */
    Duration mean() {
        return mean(wall);
    }

    /** Measured scenarios per second of wall time over the whole campaign. */
    double perSecond() {
        return options.scenarios() / (total.toNanos() / 1e9);
    }

    private static Duration mean(List<Duration> values) {
        return Duration.ofNanos(values.stream().mapToLong(Duration::toNanos).sum() / values.size());
    }

    /** The result as a small table. */
    String table() {
        Stats stats = Stats.of(wall);
        StringBuilder out = new StringBuilder();
        out.append("Coordinator Recovery: scenario benchmark\n");
        out.append(String.format(Locale.ROOT, "  machine     Java %s, %d CPUs%n", jvm, cpus));
        out.append(String.format(Locale.ROOT, "  strategies  %s%n", String.join(", ", strategies)));
        out.append(String.format(Locale.ROOT, "  scenario    %d simulated nodes: elect, write, inject %s, detect,"
                + " recover, verify, check writes%n", options.nodes(), ScenarioBenchmark.FAULT));
        out.append(String.format(Locale.ROOT,
                "  run         %d warm-up + %d measured scenarios (seeds 1..%d) on %d %s%n", options.warmup(),
                options.scenarios(), options.scenarios(), options.threads(),
                options.threads() == 1 ? "thread" : "threads"));
        out.append('\n');
        out.append(String.format(Locale.ROOT, "  %-26s %12s %12s %12s %12s%n", "wall time per scenario", "mean",
                "median", "p90", "max"));
        out.append(String.format(Locale.ROOT, "  %-26s %12s %12s %12s %12s%n", "", BenchmarkResult.ms(mean()),
                BenchmarkResult.ms(stats.median()), BenchmarkResult.ms(stats.p90()), BenchmarkResult.ms(stats.max())));
        out.append('\n');
        out.append(String.format(Locale.ROOT, "  %-26s %.1f scenarios/s%n", "throughput", perSecond()));
        out.append(String.format(Locale.ROOT, "  %-26s %.2f s for %d scenarios%n", "total", total.toNanos() / 1e9,
                options.scenarios()));
        out.append(String.format(Locale.ROOT, "  %-26s %.1f s per scenario, %.0fx faster than real time%n",
                "virtual time simulated", mean(virtual).toMillis() / 1000.0,
                (double) virtual.stream().mapToLong(Duration::toNanos).sum() / total.toNanos()));
        out.append(String.format(Locale.ROOT, "  %-26s %d of %d%s%n", "passed", passed(), options.scenarios(),
                failed.isEmpty() ? "" : "; failed seeds: " + failedSeeds()));
        return out.toString();
    }

    private String failedSeeds() {
        List<String> shown = failed.stream().limit(FAILED_SEEDS_SHOWN).map(String::valueOf).toList();
        return String.join(", ", shown) + (failed.size() > FAILED_SEEDS_SHOWN ? ", ..." : "")
                + " (replay one with: java -jar recovery-strategies/target/recovery.jar --simulate --nodes "
                + options.nodes() + " --seed S)";
    }
}
