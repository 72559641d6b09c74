package org.distributedtesting.recovery.strategies;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureDetector;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.Role;

/** Hand-built snapshots, one a second, and a recording context, for the performance strategies' unit tests. */
final class PerfSnapshots {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private PerfSnapshots() {
    }

    static NodeId id(int i) {
        return NodeId.of("node-" + i);
    }

    /** A leader (node {@code self}) in term 3 with this commit index, applied up to it. */
    static NodeStatus.Builder leader(int self, long commit) {
        return NodeStatus.builder().role(Role.LEADER).term(3).leader(id(self)).commitIndex(commit)
                .appliedIndex(commit).lastLogIndex(commit).queueDepth(0);
    }

    /** A follower of node 1 in term 3, with its commit index equal to its applied index. */
    static NodeStatus.Builder follower(long applied) {
        return NodeStatus.builder().role(Role.FOLLOWER).term(3).leader(id(1)).commitIndex(applied)
                .appliedIndex(applied).lastLogIndex(applied).queueDepth(0);
    }

    /** Snapshots of {@code size} nodes taken one second apart; a null status is an unreachable node. */
    static final class Timeline {
        private final int size;
        private final List<ClusterSnapshot> snapshots = new ArrayList<>();
        private Duration latency = Duration.ofMillis(2);

        Timeline(int size) {
            this.size = size;
        }

        /** The probe latency of the snapshots added from now on. */
        Timeline latency(Duration value) {
            latency = value;
            return this;
        }

        /** Adds one snapshot: {@code status.apply(i)} for node i (1-based), null for unreachable. */
        Timeline cycle(IntFunction<NodeStatus.Builder> status) {
            Instant at = T0.plusSeconds(snapshots.size());
            Map<NodeId, NodeObservation> observations = new LinkedHashMap<>();
            List<NodeSpec> specs = new ArrayList<>();
            for (int i = 1; i <= size; i++) {
                specs.add(NodeSpec.of(id(i).value(), "127.0.0.1", 7000 + i, Path.of("/tmp")));
                NodeStatus.Builder b = status.apply(i);
                observations.put(id(i), b == null
                        ? new NodeObservation.Unreachable(id(i), at, "no answer within 2000 ms", ProcessStatus.alive(i))
                        : new NodeObservation.Reachable(id(i), at, latency, b.build(), ProcessStatus.alive(i)));
            }
            snapshots.add(new ClusterSnapshot(snapshots.size() + 1, at, specs, observations));
            return this;
        }

        /** Adds {@code count} snapshots, the k-th (from 0) built by {@code status.apply(k)}. */
        Timeline cycles(int count, Function<Integer, IntFunction<NodeStatus.Builder>> status) {
            for (int k = 0; k < count; k++) {
                cycle(status.apply(k));
            }
            return this;
        }

        ClusterSnapshot now() {
            return snapshots.get(snapshots.size() - 1);
        }

        ClusterHistory history() {
            return new ClusterHistory(snapshots.subList(0, snapshots.size() - 1));
        }

        List<Failure> detect(FailureDetector detector) {
            return detector.detect(now(), history());
        }
    }
}
