package org.distributedtesting.recovery.strategies;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;

/** Hand-built observations and snapshots for detector and rung unit tests. */
final class Observations {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private Observations() {
    }

    static NodeId id(int i) {
        return NodeId.of("node-" + i);
    }

    /** A healthy node's status: term 2, applied = committed = last log index, both integrity checks passed. */
    static NodeStatus.Builder healthy(Role role, long applied) {
        return NodeStatus.builder().role(role).term(2).appliedIndex(applied).commitIndex(applied)
                .lastLogIndex(applied).database(IntegrityCheck.OK).log(IntegrityCheck.OK);
    }

    static NodeStatus.Builder healthy(Role role, long applied, String checksum, long checksumIndex) {
        return healthy(role, applied).stateChecksum(new StateChecksum(checksum, checksumIndex));
    }

    static NodeObservation up(int i, NodeStatus.Builder status) {
        return new NodeObservation.Reachable(id(i), NOW, Duration.ofMillis(1), status.build(),
                ProcessStatus.alive(100 + i));
    }

    static NodeObservation down(int i, ProcessStatus process) {
        return new NodeObservation.Unreachable(id(i), NOW, "connection refused", process);
    }

    static ClusterSnapshot snapshot(long cycle, NodeObservation... observations) {
        Map<NodeId, NodeObservation> map = new LinkedHashMap<>();
        List<NodeSpec> specs = new ArrayList<>();
        for (NodeObservation o : observations) {
            map.put(o.node(), o);
            specs.add(NodeSpec.of(o.node().value(), "127.0.0.1", 7000 + specs.size() + 1, Path.of("/tmp")));
        }
        return new ClusterSnapshot(cycle, NOW.plusSeconds(cycle), specs, map);
    }
}
