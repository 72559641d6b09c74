package org.distributedtesting.recovery.examples.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.ScenarioResult;

/**
 * Measures what one full simulated scenario costs in wall time: a fresh cluster of 5 (or {@code --nodes}) simulated
 * Raft nodes elects a leader, takes client writes, has a process crash injected, and the engine with every
 * discovered strategy detects, restarts and verifies it; then the scenario checks its writes. Runs a warm-up and
 * then N scenarios with seeds 1..N, on one thread by default ({@code --threads} for more), and prints the mean,
 * median and p90 wall time per scenario, scenarios per second, the total and how many passed.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -cp examples/benchmarks/target/cycle-benchmark.jar \
 *     org.distributedtesting.recovery.examples.bench.ScenarioBenchmark --scenarios 1000
 * </pre>
 *
 * <p>Not thread-safe; one run at a time.
 */
public final class ScenarioBenchmark {

    /** The fault every scenario injects: the one with a built-in strategy. */
    public static final FailureType FAULT = FailureType.PROCESS_CRASH;

    private ScenarioBenchmark() {
    }

    /**
     * Runs the benchmark and prints its table; {@code --help} prints the options. A bad option prints why and the
     * options, and exits with status 2.
     */
    public static void main(String[] args) {
        if (List.of(args).contains("--help")) {
            System.out.print(ScenarioOptions.USAGE);
            return;
        }
        ScenarioOptions options;
        try {
            options = ScenarioOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ScenarioBenchmark: " + e.getMessage());
            System.err.print(ScenarioOptions.USAGE);
            System.exit(2);
            return;
        }
        System.out.print(run(options).table());
    }

    /**
     * Runs what {@code options} ask for.
     *
     * @throws IllegalStateException if a scenario throws (a bug in the simulator or the engine, not a failed
     *                               recovery, which counts as a scenario that did not pass)
     */
    static ScenarioBenchmarkResult run(ScenarioOptions options) {
        // discovered once and shared, as the daemon does: strategies are stateless and thread-safe
        List<RecoveryStrategy> strategies = StrategyRegistry.discover(name -> Settings.EMPTY).all();
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread thread = new Thread(r, "scenario-benchmark");
            thread.setDaemon(true);
            return thread;
        });
        try {
            campaign(pool, options, strategies, options.scenarios() + 1L, options.warmup());
            long start = System.nanoTime();
            List<Timed> measured = campaign(pool, options, strategies, 1, options.scenarios());
            Duration total = Duration.ofNanos(System.nanoTime() - start);
            String jvm = System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")";
            return new ScenarioBenchmarkResult(options, jvm, Runtime.getRuntime().availableProcessors(),
                    strategies.stream().map(RecoveryStrategy::name).toList(),
                    measured.stream().map(Timed::wall).toList(),
                    measured.stream().map(t -> Duration.ofMillis(t.result().endedAt())).toList(), total,
                    measured.stream().filter(t -> !t.result().passed()).map(t -> t.result().seed()).toList());
        } finally {
            pool.shutdownNow();
        }
    }

    /** One scenario's result and the wall time it took. */
    private record Timed(ScenarioResult result, Duration wall) {
    }

    private static List<Timed> campaign(ExecutorService pool, ScenarioOptions options,
                                        List<RecoveryStrategy> strategies, long firstSeed, int count) {
        List<Future<Timed>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long seed = firstSeed + i;
            futures.add(pool.submit(() -> scenario(options.nodes(), seed, strategies)));
        }
        List<Timed> results = new ArrayList<>(count);
        for (Future<Timed> future : futures) {
            try {
                results.add(future.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("a scenario threw instead of reporting: " + e.getCause(),
                        e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while scenarios were running", e);
            }
        }
        return results;
    }

    private static Timed scenario(int nodes, long seed, List<RecoveryStrategy> strategies) {
        long t0 = System.nanoTime();
        ScenarioResult result = runOne(nodes, seed, strategies);
        return new Timed(result, Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * Runs the one scenario this benchmark measures: {@code nodes} simulated nodes, seed {@code seed}, {@link #FAULT}
     * injected, {@code strategies} in the engine.
     *
     * @throws IllegalArgumentException if the scenario's builder rejects {@code nodes}
     */
    public static ScenarioResult runOne(int nodes, long seed, List<RecoveryStrategy> strategies) {
        return Scenario.builder().nodes(nodes).seed(seed).inject(FAULT).strategies(strategies).build().run();
    }
}
