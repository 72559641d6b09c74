package org.distributedtesting.recovery.strategies;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;

/**
 * Signals several strategies read the same way: a node's last answer in the history, whether a node is a member
 * in service, the cluster's commit index, and whether a dead node failed to start on its corrupt log (which the
 * crash strategy must leave to the log strategy, or it would restart the node forever).
 *
 * <p>Stateless and thread-safe.
 */
final class NodeSignals {

    /** SIGKILL (128 + 9): the process was killed, not failing on its own; restarting it is the right answer. */
    static final int EXIT_KILLED = 137;
    /** SIGTERM (128 + 15): the process was asked to stop. */
    static final int EXIT_TERMINATED = 143;

    private NodeSignals() {
    }

    /** The status the node reported in the most recent snapshot of the history in which it answered. */
    static Optional<NodeStatus> lastReachable(NodeId node, ClusterHistory history) {
        List<ClusterSnapshot> snapshots = history.snapshots();
        for (int i = snapshots.size() - 1; i >= 0; i--) {
            ClusterSnapshot earlier = snapshots.get(i);
            NodeObservation o = earlier.observations().get(node);
            if (o != null && o.reachable()) {
                return o.reported();
            }
        }
        return Optional.empty();
    }

    /**
     * Whether an unreachable node does not start on its log: its process is dead and the node's own check of its
     * stopped data found the log damaged, or its process ended by itself with an error (an exit code other than 0,
     * 137 and 143) and its last answer in the history had a failed log check.
     */
    static boolean failsToStartOnCorruptLog(NodeObservation observation, ClusterHistory history) {
        return failsToStartOn(observation, history, observation.process().log(), NodeStatus::log);
    }

    /** As {@link #failsToStartOnCorruptLog}, for the node's database. */
    static boolean failsToStartOnCorruptDatabase(NodeObservation observation, ClusterHistory history) {
        return failsToStartOn(observation, history, observation.process().database(), NodeStatus::database);
    }

    /** Whether an unreachable node does not start on damaged data, by either of the two ways to tell. */
    static boolean failsToStartOnDamagedData(NodeObservation observation, ClusterHistory history) {
        return failsToStartOnCorruptLog(observation, history) || failsToStartOnCorruptDatabase(observation, history);
    }

    private static boolean failsToStartOn(NodeObservation observation, ClusterHistory history, IntegrityCheck offline,
                                          Function<NodeStatus, IntegrityCheck> lastAnswer) {
        if (observation.reachable() || !observation.process().isDead()) {
            return false;
        }
        if (offline.failed()) {
            return true;
        }
        OptionalInt exit = observation.process().exitCode();
        if (exit.isEmpty() || exit.getAsInt() == 0 || exit.getAsInt() == EXIT_KILLED
                || exit.getAsInt() == EXIT_TERMINATED) {
            return false;
        }
        return lastReachable(observation.node(), history).map(s -> lastAnswer.apply(s).failed()).orElse(false);
    }

    /**
     * What is known of the damaged data of a node that does not start on it: the node's own check of the stopped
     * data when it ran, else the last answer's check.
     */
    static String damageDetail(NodeObservation observation, ClusterHistory history, IntegrityCheck offline,
                               Function<NodeStatus, IntegrityCheck> lastAnswer) {
        if (offline.failed()) {
            return offline.detail();
        }
        return lastReachable(observation.node(), history).map(s -> lastAnswer.apply(s).detail()).orElse("unknown");
    }

    /** Whether the node serves as a member: it follows, leads, or learns as a non-voter. */
    static boolean isMember(NodeStatus status) {
        return status.role() == Role.FOLLOWER || status.role() == Role.LEADER || status.role() == Role.LEARNER;
    }

    /**
     * Whether the node has applied up to within {@code lag} entries of {@code clusterCommit}; true when the cluster
     * reports no commit index to compare with.
     */
    static boolean caughtUp(NodeStatus status, long clusterCommit, long lag) {
        return clusterCommit < 0 || status.appliedIndex() >= clusterCommit - lag;
    }

    /** The highest commit index a reachable node reports, or -1 when none reports one. */
    static long clusterCommitIndex(ClusterSnapshot snapshot) {
        return snapshot.observations().values().stream()
                .flatMap(o -> o.reported().stream())
                .mapToLong(NodeStatus::commitIndex).max().orElse(-1);
    }
}
