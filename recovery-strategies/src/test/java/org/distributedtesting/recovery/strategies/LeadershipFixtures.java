package org.distributedtesting.recovery.strategies;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.Role;

/** Hand-built snapshots and a recording context for the partition and split-brain unit tests. */
final class LeadershipFixtures {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private LeadershipFixtures() {
    }

    static NodeId id(int i) {
        return NodeId.of("node-" + i);
    }

    /** A status builder for a node of a cluster of {@code size} that reaches every peer. */
    static NodeStatus.Builder status(int i, int size, Role role, long term, Integer leader) {
        Map<NodeId, Boolean> peers = new LinkedHashMap<>();
        for (int p = 1; p <= size; p++) {
            if (p != i) {
                peers.put(id(p), true);
            }
        }
        return NodeStatus.builder().role(role).term(term).leader(leader == null ? null : id(leader))
                .commitIndex(100).appliedIndex(100).lastLogIndex(100).peerReachability(peers).electionsStarted(1);
    }

    static NodeObservation up(int i, NodeStatus status) {
        return new NodeObservation.Reachable(id(i), T0, Duration.ofMillis(1), status, ProcessStatus.alive(100 + i));
    }

    static NodeObservation leader(int i, int size, long term) {
        return up(i, status(i, size, Role.LEADER, term, i).build());
    }

    static NodeObservation follower(int i, int size, long term, Integer leader) {
        return up(i, status(i, size, Role.FOLLOWER, term, leader).build());
    }

    static NodeObservation down(int i, ProcessStatus process) {
        return new NodeObservation.Unreachable(id(i), T0, "no answer within 2000 ms", process);
    }

    /** A status in which node {@code i} cannot reach the given peers. */
    static NodeObservation cutFrom(NodeObservation o, int... peers) {
        NodeStatus status = o.reported().orElseThrow();
        Map<NodeId, Boolean> reach = new LinkedHashMap<>(status.peerReachability());
        for (int p : peers) {
            reach.put(id(p), false);
        }
        return up(Integer.parseInt(o.node().value().substring(5)), status.toBuilder().peerReachability(reach).build());
    }

    static ClusterSnapshot snapshot(long cycle, NodeObservation... observations) {
        return snapshot(cycle, List.of(), observations);
    }

    static ClusterSnapshot snapshot(long cycle, List<String> alternatives, NodeObservation... observations) {
        Map<NodeId, NodeObservation> map = new LinkedHashMap<>();
        List<NodeSpec> specs = new ArrayList<>();
        for (NodeObservation o : observations) {
            map.put(o.node(), o);
            specs.add(new NodeSpec(o.node(), "127.0.0.1", 7000 + specs.size() + 1, Path.of("/tmp"), alternatives,
                    List.of()));
        }
        return new ClusterSnapshot(cycle, T0.plusSeconds(cycle), specs, map);
    }

    static ClusterHistory history(ClusterSnapshot... earlier) {
        return new ClusterHistory(List.of(earlier));
    }
}
