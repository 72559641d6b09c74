package org.distributedtesting.recovery.examples.bench.jmh;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the engine's cycle does between the probe phase and the detectors: it turns the cycle's observations of
 * {@code nodes} nodes into a {@link ClusterSnapshot} and the 60 snapshots it keeps into the {@link ClusterHistory}
 * the detectors receive.
 *
 * <p>Not thread-safe; JMH runs one instance per trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SnapshotBuildBenchmark {

    /** Nodes in the snapshot. */
    @Param({"1000", "10000"})
    public int nodes;

    private long cycle;
    private Instant takenAt;
    private List<NodeSpec> specs;
    private Map<NodeId, NodeObservation> observations;
    private final Deque<ClusterSnapshot> kept = new ArrayDeque<>();

    /** Builds the workload. */
    @Setup
    public void setUp() {
        DetectorWorkload workload = DetectorWorkload.of(nodes);
        cycle = workload.cycle();
        takenAt = workload.takenAt();
        specs = workload.nodes();
        observations = workload.observations();
        kept.addAll(workload.earlier());
    }

    /** The snapshot of the cycle's observations, as the engine's cycle builds it. */
    @Benchmark
    public ClusterSnapshot snapshot() {
        return new ClusterSnapshot(cycle, takenAt, specs, observations);
    }

    /** The snapshot, and the history handed to the detectors with it, as the engine's cycle builds them. */
    @Benchmark
    public void snapshotAndHistory(Blackhole blackhole) {
        blackhole.consume(new ClusterSnapshot(cycle, takenAt, specs, observations));
        blackhole.consume(new ClusterHistory(List.copyOf(kept)));
    }
}
