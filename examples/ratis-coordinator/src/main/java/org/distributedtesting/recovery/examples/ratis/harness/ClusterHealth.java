package org.distributedtesting.recovery.examples.ratis.harness;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;

/**
 * Whether the cluster is healthy enough for the next fault while the writer keeps writing: every node answers, one
 * leader that every node follows, every node a voting leader or follower with its database and log checks passing,
 * within {@value #MAX_LAG} entries of the leader's commit index and under {@value #MAX_DISK_RATIO} of its disk
 * quota, and the daemon has no failure open (every failure it detected was verified recovered, cleared or
 * escalated).
 *
 * <p>Thread-safe: immutable, and the probe it asks is thread-safe.
 */
public final class ClusterHealth {

    /** A node this close to the leader's commit index has caught up, under a continuous writer. */
    public static final long MAX_LAG = 100;

    /** Below the resource detector's 90 % threshold with room to spare. */
    public static final double MAX_DISK_RATIO = 0.8;

    /** The journal records that close a failure the daemon detected. */
    private static final Set<String> CLOSING = Set.of("recovery_verified", "failure_cleared", "recovery_escalated");

    private final ClusterProbe nodes;
    private final Path journalFile;

    /**
     * @param nodes       asks the nodes
     * @param journalFile the daemon's journal
     */
    ClusterHealth(ClusterProbe nodes, Path journalFile) {
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.journalFile = Objects.requireNonNull(journalFile, "journalFile");
    }

    /**
     * What keeps the cluster from being healthy now.
     *
     * @return empty when it is healthy, else the first problem found
     */
    public Optional<String> problem() {
        Map<String, NodeStatus> statuses = new LinkedHashMap<>();
        for (String id : nodes.ids()) {
            Optional<NodeStatus> status = nodes.statusIfUp(id);
            if (status.isEmpty()) {
                return Optional.of("'" + id + "' does not answer");
            }
            statuses.put(id, status.get());
        }
        Optional<String> leader = nodes.agreedLeader();
        if (leader.isEmpty()) {
            return Optional.of("no leader that every node follows");
        }
        long commit = statuses.get(leader.get()).commitIndex();
        for (Map.Entry<String, NodeStatus> e : statuses.entrySet()) {
            NodeStatus s = e.getValue();
            String id = "'" + e.getKey() + "'";
            if (!s.voter() || (s.role() != Role.LEADER && s.role() != Role.FOLLOWER)) {
                return Optional.of(id + " is " + s.role() + (s.voter() ? "" : ", not a voter"));
            }
            if (s.database().failed() || s.log().failed()) {
                return Optional.of(id + " fails its " + (s.database().failed() ? "database" : "log") + " check");
            }
            if (s.appliedIndex() < commit - MAX_LAG) {
                return Optional.of(id + " applied " + s.appliedIndex() + ", the leader committed " + commit);
            }
            if (s.resources().diskRatio() >= MAX_DISK_RATIO) {
                return Optional.of(id + " uses " + Math.round(s.resources().diskRatio() * 100) + " % of its disk");
            }
        }
        return openFailure(JournalEntry.read(journalFile)).map(f -> "the daemon still works on " + f);
    }

    /** The first failure the journal shows detected and not yet verified, cleared or escalated. */
    public static Optional<String> openFailure(List<JournalEntry> journal) {
        Map<Object, Boolean> open = new LinkedHashMap<>();
        for (JournalEntry e : journal) {
            Object id = e.details().get("failure_id");
            if (id == null) {
                continue;
            }
            if (e.action().equals("failure_detected")) {
                open.put(id, true);
            } else if (CLOSING.contains(e.action())) {
                open.put(id, false);
            }
        }
        return open.entrySet().stream().filter(Map.Entry::getValue).map(e -> String.valueOf(e.getKey()))
                .findFirst();
    }
}
