package org.distributedtesting.recovery.strategies;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.Role;

/** Hand-built snapshots for detector tests: node {@code i} is {@code node-i}, node 1 leads unless told otherwise. */
final class Snapshots {

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private Snapshots() {
    }

    static NodeId id(int i) {
        return NodeId.of("node-" + i);
    }

    /** A healthy follower (or, for node 1, leader) of {@code term} that reaches every peer of a cluster of n. */
    static NodeStatus.Builder node(int i, int n, long term) {
        Map<NodeId, Boolean> peers = new LinkedHashMap<>();
        for (int p = 1; p <= n; p++) {
            if (p != i) {
                peers.put(id(p), true);
            }
        }
        return NodeStatus.builder().role(i == 1 ? Role.LEADER : Role.FOLLOWER).term(term).leader(id(1))
                .commitIndex(100).appliedIndex(100).lastLogIndex(100).peerReachability(peers).electionsStarted(1);
    }

    /** Snapshot number {@code cycle} of the given statuses; a null status is an unreachable node. */
    static ClusterSnapshot snapshot(long cycle, NodeStatus... statuses) {
        Instant at = START.plusSeconds(cycle);
        Map<NodeId, NodeObservation> observations = new LinkedHashMap<>();
        List<NodeSpec> specs = new ArrayList<>();
        for (int i = 0; i < statuses.length; i++) {
            NodeId node = id(i + 1);
            specs.add(NodeSpec.of(node.value(), "127.0.0.1", 7001 + i, Path.of("/tmp")));
            observations.put(node, statuses[i] == null
                    ? new NodeObservation.Unreachable(node, at, "no answer within 2000 ms", ProcessStatus.alive(100 + i))
                    : new NodeObservation.Reachable(node, at, Duration.ofMillis(1), statuses[i],
                            ProcessStatus.alive(100 + i)));
        }
        return new ClusterSnapshot(cycle, at, specs, observations);
    }

    /** {@code cycles} snapshots made by {@code statusesAt(cycle)}, oldest first: all but the last as history. */
    static Timeline timeline(int cycles, java.util.function.IntFunction<NodeStatus[]> statusesAt) {
        List<ClusterSnapshot> snapshots = new ArrayList<>();
        for (int c = 1; c <= cycles; c++) {
            snapshots.add(snapshot(c, statusesAt.apply(c)));
        }
        return new Timeline(new ClusterHistory(snapshots.subList(0, cycles - 1)), snapshots.get(cycles - 1));
    }

    /** A current snapshot and the history before it. */
    record Timeline(ClusterHistory history, ClusterSnapshot now) {
        /** The same history, with the current snapshot's statuses changed. */
        Timeline withNow(UnaryOperator<NodeStatus[]> change) {
            NodeStatus[] statuses = now.observations().values().stream()
                    .map(o -> o.reported().orElse(null)).toArray(NodeStatus[]::new);
            return new Timeline(history, snapshot(now.cycle(), change.apply(statuses)));
        }
    }
}
