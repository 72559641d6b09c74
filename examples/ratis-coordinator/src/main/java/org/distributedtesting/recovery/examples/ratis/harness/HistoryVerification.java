package org.distributedtesting.recovery.examples.ratis.harness;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The end of a run on the real cluster: stops the writers, waits until the cluster is consistent, reads every node's
 * tasks at the index they all applied and checks them against the writers' {@link History} with the
 * {@link HistoryChecker}.
 *
 * <p>Stateless and thread-safe.
 */
final class HistoryVerification {

    private HistoryVerification() {
    }

    /**
     * Stops {@code writers}, waits until the cluster is consistent and checks every node's tasks against their
     * history.
     *
     * @param nodes     asks the nodes
     * @param databases each node's database file
     * @param wait      how long the cluster may take to be consistent
     * @return the check, passed
     * @throws AssertionError if the nodes contradict the history; the message lists the violations
     * @throws org.awaitility.core.ConditionTimeoutException if the cluster is not consistent within {@code wait}
     * @throws IllegalArgumentException if two writers' prefixes are the same or overlap
     */
    static HistoryCheck verify(ClusterProbe nodes, Function<String, Path> databases, Duration wait,
                               TaskWriter... writers) {
        for (TaskWriter writer : writers) {
            writer.close();
        }
        History history = History.of(writers);
        // no accepted set here: a missing acknowledged task is reported by the checker with the rest
        ClusterState state = ClusterState.await(nodes, databases, Set.of(), wait);
        List<NodeTasks> tasks = new ArrayList<>();
        for (String id : nodes.ids()) {
            Path database = databases.apply(id);
            try {
                tasks.add(NodeTasks.read(id, state.appliedIndex(), database));
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the tasks of '" + id + "' from " + database + ": "
                        + e.getMessage(), e);
            }
        }
        HistoryCheck check = HistoryChecker.check(history, tasks);
        if (!check.passed()) {
            throw new AssertionError("the nodes' tasks contradict the clients' history, with every node at applied"
                    + " index " + state.appliedIndex() + " under leader '" + state.leader() + "': " + check);
        }
        return check;
    }
}
