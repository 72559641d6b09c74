package org.distributedtesting.recovery.strategies;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.StateChecksum;

/**
 * Which state the majority of the cluster agrees on, from the state checksums nodes reported in the current
 * snapshot and the history. Checksums are only ever compared at the same applied index: nodes report a checksum
 * at checkpoints, and a node's several checkpoints over the history are all kept, so nodes that apply at slightly
 * different speeds still meet at common indexes. A checksum reported while the node's own database check failed
 * is not counted: a corrupt database's word is worth nothing.
 *
 * <p>Immutable once built; thread-safe.
 */
final class ReplicaChecksums {

    /** How a node's state compares with the majority's. */
    enum Verdict {
        /** At the newest index where a majority agrees, the node holds the majority's checksum. */
        AGREES,
        /** At the newest index where a majority agrees, the node holds another checksum. */
        DISAGREES,
        /** No index where the node reported a checksum has a majority behind one value. */
        UNKNOWN
    }

    private final int majority;
    /** Per node: checksum by applied index; a later report at the same index replaces an earlier one. */
    private final Map<NodeId, NavigableMap<Long, String>> byNode = new LinkedHashMap<>();

    private ReplicaChecksums(int majority) {
        this.majority = majority;
    }

    /**
     * Collects the checksums of {@code history} (oldest first) and then {@code now}. The majority is counted over
     * the configured nodes, so nodes that report nothing count against agreement, never for it.
     */
    static ReplicaChecksums of(ClusterSnapshot now, ClusterHistory history) {
        ReplicaChecksums checksums = new ReplicaChecksums(now.nodes().size() / 2 + 1);
        for (ClusterSnapshot snapshot : history.snapshots()) {
            checksums.add(snapshot);
        }
        checksums.add(now);
        return checksums;
    }

    private void add(ClusterSnapshot snapshot) {
        for (NodeObservation o : snapshot.observations().values()) {
            Optional<NodeStatus> status = o.reported();
            if (status.isEmpty() || status.get().database().failed() || status.get().stateChecksum().isEmpty()) {
                continue;
            }
            StateChecksum checksum = status.get().stateChecksum().get();
            byNode.computeIfAbsent(o.node(), n -> new TreeMap<>()).put(checksum.index(), checksum.value());
        }
    }

    /** The checksum that a majority of the cluster reported at {@code index}, if there is one. */
    Optional<String> majorityAt(long index) {
        Map<String, Integer> votes = new HashMap<>();
        for (NavigableMap<Long, String> reports : byNode.values()) {
            String value = reports.get(index);
            if (value != null) {
                votes.merge(value, 1, Integer::sum);
            }
        }
        return votes.entrySet().stream().filter(e -> e.getValue() >= majority).map(Map.Entry::getKey).findFirst();
    }

    /** The node's state against the majority's, at the newest index of the node's where a majority agrees. */
    Verdict verdict(NodeId node) {
        NavigableMap<Long, String> reports = byNode.get(node);
        if (reports == null) {
            return Verdict.UNKNOWN;
        }
        for (Map.Entry<Long, String> report : reports.descendingMap().entrySet()) {
            Optional<String> majorityValue = majorityAt(report.getKey());
            if (majorityValue.isPresent()) {
                return majorityValue.get().equals(report.getValue()) ? Verdict.AGREES : Verdict.DISAGREES;
            }
        }
        return Verdict.UNKNOWN;
    }

    /** One checksum against the majority's at its own index. */
    Verdict verdict(StateChecksum checksum) {
        return majorityAt(checksum.index())
                .map(v -> v.equals(checksum.value()) ? Verdict.AGREES : Verdict.DISAGREES)
                .orElse(Verdict.UNKNOWN);
    }
}
