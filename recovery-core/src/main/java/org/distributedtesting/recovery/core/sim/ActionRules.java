package org.distributedtesting.recovery.core.sim;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;

/**
 * The engine's own safety rules, checked against the simulation's ground truth for each action just before it
 * takes effect: {@value InvariantChecker#QUORUM_BUDGET} (a disruptive or destructive action on a live voter leaves
 * a majority of voters alive), {@value InvariantChecker#BACKUP_BEFORE_DESTRUCTIVE} (a restore or reset of an
 * artifact follows a move-aside of that artifact on that node, and consumes it) and
 * {@value InvariantChecker#SUSPECT_SOURCE} (data is copied only from a live node whose database and log pass their
 * checks and that is not exempted). A {@link Action.Custom} destructive action names no artifact, so only the
 * quorum budget applies to it.
 *
 * <p>Not thread-safe; the cluster's lock guards it.
 */
final class ActionRules {

    private record Backup(NodeId node, Action.Artifact artifact) {
    }

    private final InvariantChecker checker;
    private final Simulation sim;
    private final Set<Backup> backups = new HashSet<>();

    ActionRules(InvariantChecker checker, Simulation sim) {
        this.checker = checker;
        this.sim = sim;
    }

    void executed(Action action) {
        quorumBudget(action);
        backupFirst(action);
        action.source().ifPresent(source -> trustedSource(action, source));
    }

    private void quorumBudget(Action action) {
        Action.Impact impact = action.impact();
        if (impact != Action.Impact.DISRUPTIVE && impact != Action.Impact.DESTRUCTIVE) {
            return;
        }
        RaftNode target = find(action.node()).orElse(null);
        if (target == null || !target.alive || !sim.voters.contains(target.index)) {
            return;
        }
        long aliveAfter = sim.voters.stream().filter(v -> v != target.index && sim.nodes.get(v).alive).count();
        if (aliveAfter < sim.majority()) {
            checker.record(InvariantChecker.QUORUM_BUDGET, action.name() + " on '" + target.id + "' leaves "
                    + aliveAfter + " of " + sim.voters.size() + " voters alive; a majority is " + sim.majority());
        }
    }

    private void backupFirst(Action action) {
        switch (action.kind()) {
            case MOVE_ASIDE -> backups.add(new Backup(action.node(), ((Action.MoveAside) action).artifact()));
            case RESTORE -> consumeBackup(action, ((Action.Restore) action).artifact());
            case RESET -> consumeBackup(action, ((Action.Reset) action).artifact());
            case START, STOP, RESTART, STEP_DOWN, PAUSE_ELECTIONS, RESUME_ELECTIONS, CANCEL_OPERATIONS,
                 CLEANUP_RESOURCES, TRIGGER_SYNC, CHECK_DATA, DEMOTE, PROMOTE, RAISE_TERM, CUSTOM -> {
                // no data of the node is replaced: nothing to back up
            }
        }
    }

    private void consumeBackup(Action action, Action.Artifact artifact) {
        if (!backups.remove(new Backup(action.node(), artifact))) {
            checker.record(InvariantChecker.BACKUP_BEFORE_DESTRUCTIVE, action.name() + " on '" + action.node()
                    + "' without moving its " + artifact.wireName() + " aside first");
        }
    }

    private void trustedSource(Action action, NodeId source) {
        RaftNode from = find(source).orElse(null);
        String why;
        if (from == null) {
            why = "it is not in the cluster";
        } else if (!from.alive) {
            why = "it is down";
        } else if (from.db.corrupted()) {
            why = "its database is corrupt";
        } else if (checker.exempt(from.index)) {
            why = "it is known to apply wrong results";
        } else {
            IntegrityCheck log = from.log.check();
            why = log.failed() ? "its log fails its check (" + log.detail() + ")" : null;
        }
        if (why != null) {
            checker.record(InvariantChecker.SUSPECT_SOURCE, action.name() + " on '" + action.node()
                    + "' copies from '" + source + "', but " + why);
        }
    }

    private Optional<RaftNode> find(NodeId id) {
        return sim.nodes.stream().filter(n -> n.id.equals(id)).findFirst();
    }
}
