package org.distributedtesting.recovery.core.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.distributedtesting.recovery.Role;

/**
 * The {@value InvariantChecker#ACKNOWLEDGED_WRITE_LOST} invariant, checked on demand (it reads every node's rows):
 * an acknowledged write must be in the state of every live node that applied its index, unless that node's
 * database is corrupt (its own check says so) or the node is exempted. The current leader must hold it too: when
 * its state is not held to the write (not applied that far yet, corrupt, exempted), its log or snapshot must have
 * it. With no leader, some node, live or not, must still hold it. Each loss is reported once per write and node.
 *
 * <p>Not thread-safe; the cluster's lock guards it.
 */
final class AcknowledgedWrites {

    private static final int NO_LEADER = -1;

    private final InvariantChecker checker;
    private final Simulation sim;
    /** Write id and node index of each loss already reported; node {@link #NO_LEADER} for "held by none". */
    private final Set<List<Long>> reported = new HashSet<>();

    AcknowledgedWrites(InvariantChecker checker, Simulation sim) {
        this.checker = checker;
        this.sim = sim;
    }

    /** Checks every acknowledged write; returns the losses not reported before. */
    List<InvariantChecker.Violation> check() {
        List<InvariantChecker.Violation> found = new ArrayList<>();
        RaftNode leader = currentLeader();
        for (ClientWrite write : sim.writes) {
            if (!write.acknowledged()) {
                continue;
            }
            for (RaftNode node : sim.nodes) {
                if (node.alive && trusted(node, write) && !inState(node, write)) {
                    String value = node.db.rows().get(write.key());
                    lost(write, node.index, "'" + node.id + "' applied index " + node.db.appliedIndex()
                            + " but has " + (value == null ? "no row" : "'" + value + "'") + " for it", found);
                }
            }
            if (leader != null) {
                if (!trusted(leader, write) && !inLog(leader, write)) {
                    lost(write, leader.index, "leader '" + leader.id + "' (term " + leader.term + ") at applied index "
                            + leader.db.appliedIndex() + " has it neither in a trusted state nor in its log", found);
                }
            } else if (sim.nodes.stream().noneMatch(n -> (trusted(n, write) && inState(n, write)) || inLog(n, write))) {
                lost(write, NO_LEADER, "there is no leader and no node holds it", found);
            }
        }
        return found;
    }

    private void lost(ClientWrite write, int node, String why, List<InvariantChecker.Violation> found) {
        if (reported.add(List.of(write.id(), (long) node))) {
            found.add(checker.record(InvariantChecker.ACKNOWLEDGED_WRITE_LOST, "write " + write.id() + " ('"
                    + write.key() + "=" + write.value() + "' at index " + write.index() + ", term " + write.term()
                    + ") is lost: " + why));
        }
    }

    /** Whether the node's state is to be held to the write: applied that far, intact, not exempted. */
    private boolean trusted(RaftNode node, ClientWrite write) {
        return !node.db.corrupted() && !checker.exempt(node.index) && node.db.appliedIndex() >= write.index();
    }

    private static boolean inState(RaftNode node, ClientWrite write) {
        return write.value().equals(node.db.rows().get(write.key()));
    }

    /** Whether the write is in the node's log, or in the snapshot its log starts from. */
    private static boolean inLog(RaftNode node, ClientWrite write) {
        LogEntry entry = node.log.entry(write.index());
        if (entry != null) {
            return entry.term() == write.term() && entry.command().equals(write.key() + "=" + write.value());
        }
        Snapshot snapshot = node.log.snapshot();
        return snapshot.index() >= write.index() && write.value().equals(snapshot.state().get(write.key()));
    }

    /** The live leader with the highest term, the one a client reaches. */
    private RaftNode currentLeader() {
        RaftNode best = null;
        for (RaftNode node : sim.nodes) {
            if (node.alive && node.role == Role.LEADER && (best == null || node.term > best.term)) {
                best = node;
            }
        }
        return best;
    }
}
