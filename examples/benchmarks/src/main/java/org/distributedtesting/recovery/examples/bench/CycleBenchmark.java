package org.distributedtesting.recovery.examples.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.StrategyRegistry;

/**
 * Measures one engine cycle over a large simulated cluster. Every strategy on the class path runs
 * ({@code StrategyRegistry.discover(...).all()}); the engine probes the nodes concurrently, each probe answering
 * asynchronously after the probe latency (or, with {@code --blocking-probes}, parking a thread of the engine's own
 * probe pool for it), in dry run so that the crashed nodes stay crashed and every cycle detects them. After the
 * warm-up it records each cycle's {@link CycleReport#elapsed()}, {@link CycleReport#probeTime()} and
 * {@link CycleReport#detectTime()}, then times the detector pass alone over a larger snapshot, and prints a table
 * with the time a sequential poller would need for comparison.
 *
 * <pre>
 * mvn -B -q -pl examples/benchmarks -am package -DskipTests
 * mvn -B -q -pl examples/benchmarks exec:java -Dexec.args="--nodes 1000 --probe-ms 5 --cycles 50"
 * </pre>
 *
 * <p>Not thread-safe; one run at a time.
 */
public final class CycleBenchmark {

    private CycleBenchmark() {
    }

    /**
     * Runs the benchmark and prints its table; {@code --help} prints the options. A bad option prints why and the
     * options, and exits with status 2.
     */
    public static void main(String[] args) {
        if (List.of(args).contains("--help")) {
            System.out.print(BenchmarkOptions.USAGE);
            return;
        }
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("CycleBenchmark: " + e.getMessage());
            System.err.print(BenchmarkOptions.USAGE);
            System.exit(2);
            return;
        }
        System.out.print(run(options).table());
    }

    /** Runs what {@code options} ask for. */
    static BenchmarkResult run(BenchmarkOptions options) {
        List<RecoveryStrategy> strategies = StrategyRegistry.discover(name -> Settings.EMPTY).all();
        Optional<BenchmarkResult.Cycles> cycles = options.detectorOnly() ? Optional.empty()
                : Optional.of(cycles(options, strategies));
        SimulatedNodes big = new SimulatedNodes(options.detectorNodes(), options.detectorCrashed(),
                options.probeLatency());
        DetectorPass.Result detector = DetectorPass.measure(strategies, big, options.warmup(), options.cycles());
        String jvm = System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")";
        return new BenchmarkResult(options, jvm, Runtime.getRuntime().availableProcessors(),
                strategies.stream().map(RecoveryStrategy::name).toList(), cycles, detector);
    }

    private static BenchmarkResult.Cycles cycles(BenchmarkOptions options, List<RecoveryStrategy> strategies) {
        if (options.blockingProbes()) {
            return cycles(options, strategies, new SimulatedNodes(options.nodes(), options.crashed(),
                    options.probeLatency()));
        }
        ScheduledExecutorService network = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "simulated-network");
            thread.setDaemon(true);
            return thread;
        });
        try {
            return cycles(options, strategies, new SimulatedNodes(options.nodes(), options.crashed(),
                    options.probeLatency(), network));
        } finally {
            network.shutdownNow();
        }
    }

    private static BenchmarkResult.Cycles cycles(BenchmarkOptions options, List<RecoveryStrategy> strategies,
                                                 SimulatedNodes cluster) {
        List<Duration> elapsed = new ArrayList<>(options.cycles());
        List<Duration> probe = new ArrayList<>(options.cycles());
        List<Duration> detect = new ArrayList<>(options.cycles());
        List<Integer> detected = new ArrayList<>(options.cycles());
        try (RecoveryEngine engine = RecoveryEngine.builder()
                .nodes(cluster.specs())
                .probe(cluster)
                .supervisor(cluster)
                .strategies(strategies)
                .options(RecoveryOptions.builder().dryRun(true).build())
                .build()) {
            for (int i = 0; i < options.warmup(); i++) {
                engine.runCycle();
            }
            for (int i = 0; i < options.cycles(); i++) {
                CycleReport report = engine.runCycle();
                elapsed.add(report.elapsed());
                probe.add(report.probeTime());
                detect.add(report.detectTime());
                detected.add(report.detected().size());
            }
        }
        return new BenchmarkResult.Cycles(elapsed, probe, detect, detected);
    }
}
