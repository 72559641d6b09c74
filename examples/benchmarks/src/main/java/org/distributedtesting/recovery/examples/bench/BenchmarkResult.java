package org.distributedtesting.recovery.examples.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a benchmark run measured, and its table for people.
 *
 * <p>Immutable and thread-safe.
 *
 * @param options    what was asked for
 * @param jvm        the Java runtime that ran it
 * @param cpus       processors available to the JVM
 * @param strategies names of the strategies run, in precedence order
 * @param cycles     the engine cycles measured; empty with {@code --detector-only}
 * @param detector   the detector-only measurement
 */
record BenchmarkResult(BenchmarkOptions options, String jvm, int cpus, List<String> strategies,
                       Optional<Cycles> cycles, DetectorPass.Result detector) {

    /**
     * The measured engine cycles, one entry per cycle in each list.
     *
     * @param elapsed  wall time of the whole cycle ({@code CycleReport.elapsed()})
     * @param probe    wall time of the probe phase ({@code CycleReport.probeTime()})
     * @param detect   wall time of the detector pass ({@code CycleReport.detectTime()})
     * @param detected failures the detectors reported in the cycle
     */
    record Cycles(List<Duration> elapsed, List<Duration> probe, List<Duration> detect, List<Integer> detected) {
        Cycles {
            elapsed = List.copyOf(elapsed);
            probe = List.copyOf(probe);
            detect = List.copyOf(detect);
            detected = List.copyOf(detected);
        }
    }

    BenchmarkResult {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(jvm, "jvm");
        strategies = List.copyOf(strategies);
        Objects.requireNonNull(cycles, "cycles");
        Objects.requireNonNull(detector, "detector");
    }

    /** The result as a small table. */
    String table() {
        StringBuilder out = new StringBuilder();
        out.append("Coordinator Recovery: engine cycle benchmark\n");
        out.append(String.format(Locale.ROOT, "  machine     Java %s, %d CPUs%n", jvm, cpus));
        out.append(String.format(Locale.ROOT, "  strategies  %s%n", String.join(", ", strategies)));
        cycles.ifPresent(c -> cycleSection(out, c));
        detectorSection(out);
        return out.toString();
    }

    private void cycleSection(StringBuilder out, Cycles c) {
        out.append(String.format(Locale.ROOT,
                "  cluster     %d simulated nodes, %d crashed, probe latency %s, dry run%n", options.nodes(),
                options.crashed(), ms(options.probeLatency())));
        out.append(String.format(Locale.ROOT, "  probes      %s%n", options.blockingProbes()
                ? "blocking: each parks a thread of the engine's probe pool for its latency"
                : "asynchronous: each completes from a scheduler after its latency, no thread waits"));
        out.append(String.format(Locale.ROOT, "  run         %d warm-up + %d measured cycles, %s failures per cycle%n",
                options.warmup(), options.cycles(), c.detected().stream().distinct().map(String::valueOf)
                        .reduce((a, b) -> a + "/" + b).orElse("0")));
        out.append('\n');
        out.append(String.format(Locale.ROOT, "  %-28s %12s %12s %12s%n", "one engine cycle", "median", "p90", "max"));
        row(out, "whole cycle (elapsed)", Stats.of(c.elapsed()));
        row(out, "probe phase (probeTime)", Stats.of(c.probe()));
        row(out, "detector pass (detectTime)", Stats.of(c.detect()));
        Duration baseline = options.sequentialBaseline();
        Duration median = Stats.of(c.elapsed()).median();
        out.append('\n');
        out.append(String.format(Locale.ROOT, "  sequential poller baseline: %d nodes x %s = %s per round%n",
                options.nodes(), ms(options.probeLatency()), ms(baseline)));
        if (!median.isZero()) {
            out.append(String.format(Locale.ROOT, "  engine median cycle is %.1fx faster than the sequential poller%n",
                    (double) baseline.toNanos() / median.toNanos()));
        }
    }

    private void detectorSection(StringBuilder out) {
        out.append('\n');
        out.append(String.format(Locale.ROOT,
                "  detector pass alone: %d-node snapshot, %d earlier snapshots, %d passes, %d failures each%n",
                detector.nodes(), detector.history(), detector.times().size(), detector.failures()));
        out.append(String.format(Locale.ROOT, "  %-28s %12s %12s %12s%n", "", "median", "p90", "max"));
        row(out, "detector pass", detector.stats());
    }

    private static void row(StringBuilder out, String label, Stats stats) {
        out.append(String.format(Locale.ROOT, "  %-28s %12s %12s %12s%n", label, ms(stats.median()), ms(stats.p90()),
                ms(stats.max())));
    }

    /** Milliseconds with three decimals below 10 ms, one above. */
    static String ms(Duration d) {
        double millis = d.toNanos() / 1e6;
        return String.format(Locale.ROOT, millis < 10 ? "%.3f ms" : "%.1f ms", millis);
    }
}
