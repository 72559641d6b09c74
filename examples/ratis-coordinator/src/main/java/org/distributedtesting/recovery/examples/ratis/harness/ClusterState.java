package org.distributedtesting.recovery.examples.ratis.harness;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.StateChecksum;

/**
 * A consistent cluster, as the final check of a run finds it: exactly one leader that every node follows, every
 * node at the same applied index (equal to its commit index) with the same state checksum at that index, and every
 * accepted task in every node's database (read through a read-only connection to the node's file).
 *
 * <p>Immutable and thread-safe.
 *
 * @param leader       the leader
 * @param appliedIndex the index every node applied
 * @param checksum     the state checksum every node reports at that index
 * @param tasks        the number of tasks in each node's database
 */
public record ClusterState(String leader, long appliedIndex, String checksum, Map<String, Integer> tasks) {

    /** @throws NullPointerException if an argument is null */
    public ClusterState {
        java.util.Objects.requireNonNull(leader, "leader");
        java.util.Objects.requireNonNull(checksum, "checksum");
        tasks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
    }

    /**
     * Waits until the cluster is consistent.
     *
     * @param nodes     asks the nodes
     * @param databases each node's database file, read through a read-only connection
     * @param accepted  the tasks that must be in every node's database
     * @throws org.awaitility.core.ConditionTimeoutException if it is not within {@code timeout}; the message says
     *                                                       what differed last
     * @throws IllegalStateException                         if every node applied the same index and an accepted
     *                                                       task is missing on one
     */
    static ClusterState await(ClusterProbe nodes, Function<String, Path> databases, Set<String> accepted,
                              Duration timeout) {
        AtomicReference<String> last = new AtomicReference<>("not checked yet");
        try {
            return org.awaitility.Awaitility.await("a consistent cluster").atMost(timeout)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> check(nodes, databases, accepted, last), Optional::isPresent).orElseThrow();
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new org.awaitility.core.ConditionTimeoutException("the cluster was not consistent within " + timeout
                    + "; last: " + last.get());
        }
    }

    private static Optional<ClusterState> check(ClusterProbe nodes, Function<String, Path> databases,
                                                Set<String> accepted, AtomicReference<String> why) {
        Map<String, NodeStatus> statuses = new LinkedHashMap<>();
        for (String id : nodes.ids()) {
            Optional<NodeStatus> status = nodes.statusIfUp(id);
            if (status.isEmpty()) {
                why.set("'" + id + "' does not answer");
                return Optional.empty();
            }
            statuses.put(id, status.get());
        }
        Optional<String> leader = nodes.agreedLeader();
        if (leader.isEmpty()) {
            why.set("no single agreed leader: " + roles(statuses));
            return Optional.empty();
        }
        Set<String> positions = new HashSet<>();
        for (NodeStatus s : statuses.values()) {
            Optional<StateChecksum> sum = s.stateChecksum();
            positions.add("applied=" + s.appliedIndex() + " commit=" + s.commitIndex() + " checksum="
                    + sum.map(c -> c.value() + "@" + c.index()).orElse("none"));
            if (sum.isEmpty() || sum.get().index() != s.appliedIndex() || s.commitIndex() != s.appliedIndex()) {
                why.set("not settled: " + describe(statuses));
                return Optional.empty();
            }
        }
        if (positions.size() != 1) {
            why.set("nodes differ: " + describe(statuses));
            return Optional.empty();
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String id : nodes.ids()) {
            Set<String> present;
            try {
                present = new HashSet<>();
                for (NodeTasks.Row row : NodeTasks.read(id, statuses.get(id).appliedIndex(),
                        databases.apply(id)).rows()) {
                    present.add(row.id());
                }
            } catch (SQLException e) {
                why.set("cannot read the database of '" + id + "': " + e.getMessage());
                return Optional.empty();
            }
            Set<String> missing = new HashSet<>(accepted);
            missing.removeAll(present);
            if (!missing.isEmpty()) {
                // every node applied the same index, so an accepted task missing now is lost, not late
                throw new IllegalStateException(missing.size() + " of " + accepted.size() + " accepted tasks are"
                        + " missing on '" + id + "' at applied index " + statuses.get(id).appliedIndex() + ", e.g. "
                        + missing.stream().sorted().limit(10).toList());
            }
            counts.put(id, present.size());
        }
        NodeStatus any = statuses.values().iterator().next();
        return Optional.of(new ClusterState(leader.get(), any.appliedIndex(),
                any.stateChecksum().orElseThrow().value(), counts));
    }

    private static String roles(Map<String, NodeStatus> statuses) {
        Map<String, String> roles = new LinkedHashMap<>();
        statuses.forEach((id, s) -> roles.put(id, s.role() + " term " + s.term() + " leader "
                + s.leader().map(Object::toString).orElse("-")));
        return roles.toString();
    }

    private static String describe(Map<String, NodeStatus> statuses) {
        Map<String, String> out = new LinkedHashMap<>();
        statuses.forEach((id, s) -> out.put(id, "applied=" + s.appliedIndex() + " commit=" + s.commitIndex()
                + " checksum=" + s.stateChecksum().map(c -> c.value() + "@" + c.index()).orElse("none")));
        return out.toString();
    }

    /** The nodes, for a report. */
    public List<String> nodes() {
        return List.copyOf(tasks.keySet());
    }
}
