package org.distributedtesting.recovery.examples.bench.jmh;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.sim.ScenarioResult;
import org.distributedtesting.recovery.examples.bench.ScenarioBenchmark;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole simulated scenario, as {@link ScenarioBenchmark} runs it for one seed: {@code simulatedNodes} Raft
 * nodes elect a leader, take writes, have a process crash injected, and the engine with every discovered strategy
 * detects, restarts and verifies it.
 *
 * <p>Not thread-safe; JMH runs one instance per trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScenarioRunBenchmark {

    /** Simulated nodes. */
    @Param({"5"})
    public int simulatedNodes;

    /** The scenario's seed: the same scenario in every invocation. */
    @Param({"1"})
    public long seed;

    private List<RecoveryStrategy> strategies;

    /**
     * Discovers the strategies and checks that the scenario passes.
     *
     * @throws IllegalStateException if the scenario does not pass (a benchmark of a failing recovery measures
     *                               the wrong thing)
     */
    @Setup
    public void setUp() {
        strategies = StrategyRegistry.discover(name -> Settings.EMPTY).all();
        ScenarioResult result = scenario();
        if (!result.passed()) {
            throw new IllegalStateException("scenario with seed " + seed + " over " + simulatedNodes
                    + " nodes did not pass; replay it with recovery.jar --simulate --nodes " + simulatedNodes
                    + " --seed " + seed);
        }
    }

    /** One scenario, start to end. */
    @Benchmark
    public ScenarioResult scenario() {
        return ScenarioBenchmark.runOne(simulatedNodes, seed, strategies);
    }
}
