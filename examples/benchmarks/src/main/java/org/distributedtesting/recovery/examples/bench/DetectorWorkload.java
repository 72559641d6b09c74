package org.distributedtesting.recovery.examples.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryOptions;

/**
 * What the detect stage reads in one cycle of a large simulated cluster: the current cycle's observations, the
 * snapshot built from them, and a full history of {@link RecoveryOptions#DEFAULT_HISTORY_SIZE} earlier snapshots.
 * Node-1 leads, the others follow, caught up, except a few crashed nodes (refused, process dead), so the detectors
 * find something. The CycleBenchmark's detector-only pass and the JMH benchmarks read the same workload.
 *
 * <p>Immutable and thread-safe.
 */
public final class DetectorWorkload {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final List<NodeSpec> nodes;
    private final List<ClusterSnapshot> earlier;
    private final Map<NodeId, NodeObservation> observations;
    private final ClusterSnapshot now;
    private final ClusterHistory history;

    private DetectorWorkload(SimulatedNodes cluster) {
        int historySize = RecoveryOptions.DEFAULT_HISTORY_SIZE;
        List<ClusterSnapshot> snapshots = new ArrayList<>(historySize);
        for (int i = 0; i < historySize; i++) {
            snapshots.add(cluster.snapshot(i + 1, START.plusSeconds(i)));
        }
        this.nodes = cluster.specs();
        this.earlier = List.copyOf(snapshots);
        this.history = new ClusterHistory(earlier);
        this.observations = Collections.unmodifiableMap(cluster.observations(takenAt()));
        this.now = cluster.snapshot(cycle(), takenAt());
    }

    /**
     * A cluster of {@code nodes} nodes, one in 200 of them crashed (at least one).
     *
     * @throws IllegalArgumentException if {@code nodes} is below 2
     */
    public static DetectorWorkload of(int nodes) {
        if (nodes < 2) {
            throw new IllegalArgumentException("nodes must be >= 2, but was " + nodes);
        }
        return of(new SimulatedNodes(nodes, BenchmarkOptions.defaultCrashed(nodes), Duration.ZERO));
    }

    /** The workload of {@code cluster}. */
    static DetectorWorkload of(SimulatedNodes cluster) {
        return new DetectorWorkload(cluster);
    }

    /** The configured nodes, in configuration order. */
    public List<NodeSpec> nodes() {
        return nodes;
    }

    /** The current cycle's number: one after the history's last. */
    public long cycle() {
        return earlier.size() + 1L;
    }

    /** When the current cycle started probing: one second after the history's last snapshot. */
    public Instant takenAt() {
        return START.plusSeconds(earlier.size());
    }

    /** The current cycle's observations, one per node, as the probe phase hands them to the snapshot. */
    public Map<NodeId, NodeObservation> observations() {
        return observations;
    }

    /** The earlier snapshots, oldest first, as the engine keeps them between cycles. */
    public List<ClusterSnapshot> earlier() {
        return earlier;
    }

    /** The current cycle's snapshot. */
    public ClusterSnapshot now() {
        return now;
    }

    /** The earlier snapshots as the detectors receive them. */
    public ClusterHistory history() {
        return history;
    }
}
