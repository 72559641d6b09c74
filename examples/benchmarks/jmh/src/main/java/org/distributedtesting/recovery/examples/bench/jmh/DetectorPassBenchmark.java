package org.distributedtesting.recovery.examples.bench.jmh;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.FailureDetector;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.examples.bench.DetectorWorkload;
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
 * The detect stage's cost: the detectors of the strategies {@code strategy} names ({@code all} by default, or one
 * strategy's name to time its detector alone) over one snapshot of {@code nodes} nodes, a few of them crashed, with
 * a full history of 60 earlier snapshots ({@link DetectorWorkload}), as the engine runs them once per cycle.
 *
 * <p>Not thread-safe; JMH runs one instance per trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DetectorPassBenchmark {

    /** Nodes in the snapshot. */
    @Param({"1000", "10000"})
    public int nodes;

    /** {@code all}, or the name of one strategy whose detector alone is timed. */
    @Param({"all"})
    public String strategy;

    private List<FailureDetector> detectors;
    private ClusterSnapshot now;
    private ClusterHistory history;

    /**
     * Builds the workload and checks that the pass finds the crashed nodes.
     *
     * @throws IllegalStateException if the pass over every strategy finds no failure (the workload is broken)
     */
    @Setup
    public void setUp() {
        List<RecoveryStrategy> strategies = StrategyRegistry.discover(name -> Settings.EMPTY).resolve(strategy);
        detectors = strategies.stream().map(RecoveryStrategy::detector).toList();
        DetectorWorkload workload = DetectorWorkload.of(nodes);
        now = workload.now();
        history = workload.history();
        if ("all".equals(strategy) && detect() == 0) {
            throw new IllegalStateException("no detector found the crashed nodes in a snapshot of " + nodes
                    + " nodes; the workload no longer shows failures");
        }
    }

    /** One pass of the chosen detectors; returns how many failures they found, so that the JIT keeps the work. */
    @Benchmark
    public int detect() {
        int found = 0;
        for (FailureDetector detector : detectors) {
            found += detector.detect(now, history).size();
        }
        return found;
    }
}
