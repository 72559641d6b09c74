package org.distributedtesting.recovery.strategies;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;

/**
 * Replication lag as snapshots show it: how many committed entries a follower has yet to apply, measured against
 * the one leader of the highest term. A node that does not follow that leader in its term (a candidate, a node
 * cut off, a stale leader) has no lag here: it is the partition and leadership strategies' concern.
 *
 * <p>Immutable and thread-safe.
 */
final class LagSignals {

    /** The leader a snapshot shows: the only reachable node claiming to lead in the highest claimed term. */
    record Leader(NodeId id, NodeStatus status) {
    }

    /**
     * One snapshot and its leader, found once so that reading the lag of every node stays linear.
     *
     * @param snapshot the snapshot
     * @param leader   its leader, if there is exactly one in the highest claimed term
     */
    record View(ClusterSnapshot snapshot, Optional<Leader> leader) {

        static View of(ClusterSnapshot snapshot) {
            return new View(snapshot, LagSignals.leader(snapshot));
        }

        static List<View> of(List<ClusterSnapshot> snapshots) {
            return snapshots.stream().map(View::of).toList();
        }

        /** What the node reported in this snapshot, if it answered. */
        Optional<NodeStatus> status(NodeId node) {
            NodeObservation o = snapshot.observations().get(node);
            return o == null ? Optional.empty() : o.reported();
        }

        /** Committed entries the node has yet to apply, or empty when it cannot be measured. */
        OptionalLong lag(NodeId node) {
            NodeStatus status = status(node).orElse(null);
            Leader l = leader.orElse(null);
            if (status == null || l == null || l.id().equals(node) || status.appliedIndex() < 0
                    || l.status().commitIndex() < 0) {
                return OptionalLong.empty();
            }
            boolean follows = (status.role() == Role.FOLLOWER || status.role() == Role.LEARNER)
                    && status.term() == l.status().term() && status.leader().equals(Optional.of(l.id()));
            return follows ? OptionalLong.of(Math.max(0, l.status().commitIndex() - status.appliedIndex()))
                    : OptionalLong.empty();
        }
    }

    private LagSignals() {
    }

    /** The only reachable node that claims to lead in the highest claimed term, if there is exactly one. */
    static Optional<Leader> leader(ClusterSnapshot snapshot) {
        Leader best = null;
        boolean tie = false;
        // the snapshot's claimed leaders, in configuration order: the nodes that matter, without a pass over all
        for (NodeId node : snapshot.leaders()) {
            NodeStatus status = snapshot.status(node).orElseThrow();
            if (best == null || status.term() > best.status().term()) {
                best = new Leader(node, status);
                tie = false;
            } else if (status.term() == best.status().term()) {
                tie = true;
            }
        }
        return tie ? Optional.empty() : Optional.ofNullable(best);
    }
}
