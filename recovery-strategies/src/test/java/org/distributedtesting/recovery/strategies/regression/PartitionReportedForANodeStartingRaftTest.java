package org.distributedtesting.recovery.strategies.regression;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.distributedtesting.recovery.strategies.NetworkPartitionStrategy;
import org.junit.jupiter.api.Test;

/**
 * Seen on the real Ratis cluster: a node restarted after its log was reset serves its status a few seconds before
 * its Raft server runs (role UNKNOWN meanwhile). Its peers could not connect to its Raft port, reported it
 * unreachable, and the partition strategy confirmed a partition over three cycles; the partition then pre-empted the
 * log-corruption recovery that was waiting to be verified. A node that runs no Raft server is not partitioned: its
 * peers cannot reach a port nothing listens on.
 */
class PartitionReportedForANodeStartingRaftTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final NetworkPartitionStrategy strategy = new NetworkPartitionStrategy();

    @Test
    void aNodeThatRunsNoRaftServerYetIsNotPartitionedFromPeersThatCannotReachIt() {
        // Given node-3 answers the monitor with role UNKNOWN (starting Raft) and both peers cannot reach it
        ClusterSnapshot snapshot = snapshot(Role.UNKNOWN);

        // Then
        assertThat(strategy.detector().detect(snapshot, new ClusterHistory(List.of()))).isEmpty();
    }

    @Test
    void aFollowerThatPeersCannotReachIsStillPartitioned() {
        // Given node-3 answers the monitor as a follower and both peers cannot reach it
        ClusterSnapshot snapshot = snapshot(Role.FOLLOWER);

        // Then
        assertThat(strategy.detector().detect(snapshot, new ClusterHistory(List.of()))).singleElement()
                .satisfies(f -> assertThat(f.key()).isEqualTo("network_partition:node-3"));
    }

    /** node-1 leads, node-2 follows, both report node-3 unreachable; node-3 answers with {@code role}. */
    private static ClusterSnapshot snapshot(Role role) {
        NodeId one = NodeId.of("node-1");
        NodeId two = NodeId.of("node-2");
        NodeId three = NodeId.of("node-3");
        Map<NodeId, NodeObservation> observations = new LinkedHashMap<>();
        List<NodeSpec> specs = new ArrayList<>();
        for (NodeId id : List.of(one, two, three)) {
            specs.add(NodeSpec.of(id.value(), "127.0.0.1", 7000 + specs.size(), Path.of("/tmp")));
            NodeStatus.Builder b = NodeStatus.builder().term(2).commitIndex(100).appliedIndex(100).lastLogIndex(100);
            if (id.equals(three)) {
                b.role(role).peerReachability(Map.of(one, true, two, true));
                if (role != Role.UNKNOWN) {
                    b.leader(one);
                }
            } else {
                b.role(id.equals(one) ? Role.LEADER : Role.FOLLOWER).leader(one)
                        .peerReachability(Map.of(id.equals(one) ? two : one, true, three, false));
            }
            observations.put(id, new NodeObservation.Reachable(id, T0, Duration.ofMillis(2), b.build(),
                    ProcessStatus.alive(specs.size())));
        }
        return new ClusterSnapshot(1, T0, specs, observations);
    }
}
