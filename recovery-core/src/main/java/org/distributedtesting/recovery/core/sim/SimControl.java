package org.distributedtesting.recovery.core.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.Role;

/**
 * Carries out the engine's actions on simulated nodes, as a real coordinator's control endpoints would. Data is
 * only ever moved aside, never deleted: each node keeps what was moved aside, so a test can check it. Every action
 * is announced to the simulation's action listeners (the invariant checker) before it takes effect.
 *
 * <p>Thread-safe: holds the cluster's lock.
 */
final class SimControl implements NodeControl {

    /** Host-specific action: restart only the stuck apply loop, not the node. */
    static final String RESTART_COMPONENT = "restart_stuck_component";

    /**
     * Host-specific action: the monitor reaches the node at another of its addresses. Simulated as that address
     * working: the monitor's link to the node is restored; the links between nodes are not.
     */
    static final String USE_ALTERNATIVE_ADDRESS = "use_alternative_address";

    private final SimulatedCluster cluster;

    SimControl(SimulatedCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public ActionResult execute(Action action) {
        synchronized (cluster) {
            Simulation sim = cluster.simulation();
            RaftNode node = sim.node(action.node());
            sim.actionExecuting(action);
            sim.trace(node.id + " " + action.name() + " " + action.parameters());
            if (node.faults.refusesActions) {
                return new ActionResult.Failed("node '" + node.id + "' refused " + action.name() + " (injected)");
            }
            return apply(sim, node, action);
        }
    }

    private ActionResult apply(Simulation sim, RaftNode node, Action action) {
        if (!node.alive && !action.kind().onData() && !action.kind().onProcess()) {
            return new ActionResult.Failed("node '" + node.id + "' is down");
        }
        return switch (action.kind()) {
            case START -> new SimSupervisor(cluster).start(cluster.spec(node.id)).isAlive()
                    ? ActionResult.Done.of("started") : new ActionResult.Failed("the process ended at start");
            case STOP -> {
                node.stop("by the engine (" + action.name() + ")");
                yield ActionResult.Done.of("stopped");
            }
            case RESTART -> {
                node.stop("by the engine, to restart it (" + action.name() + ")");
                yield new SimSupervisor(cluster).start(cluster.spec(node.id)).isAlive()
                        ? ActionResult.Done.of("restarted") : new ActionResult.Failed("the process ended at start");
            }
            case STEP_DOWN -> stepDown(sim, node, (Action.StepDown) action);
            case PAUSE_ELECTIONS, RESUME_ELECTIONS -> {
                boolean paused = ((Action.SetElectionsPaused) action).paused();
                node.faults.electionsPaused = paused;
                yield ActionResult.Done.of(paused ? "elections paused" : "elections resumed");
            }
            case CANCEL_OPERATIONS -> {
                int cancelled = node.faults.stuckOperations;
                node.faults.stuckOperations = 0;
                node.faults.stuckOperationsSince = -1;
                yield new ActionResult.Done("cancelled " + cancelled + " operations", Map.of("cancelled", cancelled));
            }
            case CLEANUP_RESOURCES -> {
                node.resources.update(sim.now(), node.faults);
                node.resources.cleaned();
                node.faults.diskGrowthPerSecond = 0;
                node.takeSnapshot();
                yield ActionResult.Done.of("purged old snapshots and backups, compacted the log");
            }
            case TRIGGER_SYNC -> triggerSync(sim, node, sim.node(((Action.TriggerSync) action).from()));
            case MOVE_ASIDE -> moveAside(node, ((Action.MoveAside) action).artifact());
            case RESTORE -> restore(sim, node, (Action.Restore) action);
            case RESET -> reset(node, ((Action.Reset) action).artifact());
            case PROMOTE -> {
                sim.voters.add(node.index);
                yield ActionResult.Done.of("promoted to voter");
            }
            case DEMOTE -> {
                sim.voters.remove(node.index);
                yield ActionResult.Done.of("demoted to non-voter");
            }
            case RAISE_TERM -> raiseTerm(node, (Action.RaiseTerm) action);
            case CHECK_DATA -> checkData(node);
            case CUSTOM -> custom(sim, node, (Action.Custom) action);
        };
    }

    /** The node's own checks of its log and database, as its repair tool runs them on the stopped data. */
    static ActionResult checkData(RaftNode node) {
        IntegrityCheck log = node.log.check();
        IntegrityCheck database = node.db.check();
        return new ActionResult.Done("log " + log.status().name().toLowerCase(java.util.Locale.ROOT) + ", database "
                + database.status().name().toLowerCase(java.util.Locale.ROOT), Map.of("log", verdict(log),
                "database", verdict(database)));
    }

    private static Map<String, Object> verdict(IntegrityCheck check) {
        return Map.of("status", check.status().name().toLowerCase(java.util.Locale.ROOT), "detail", check.detail());
    }

    private static ActionResult raiseTerm(RaftNode node, Action.RaiseTerm raise) {
        if (raise.term() <= node.term) {
            return ActionResult.Done.of("term already " + node.term);
        }
        node.becomeFollower(raise.term(), -1);
        node.resetElectionTimer();
        return ActionResult.Done.of("term raised to " + raise.term());
    }

    private static ActionResult custom(Simulation sim, RaftNode node, Action.Custom custom) {
        if (RESTART_COMPONENT.equals(custom.name())) {
            node.faults.applyStuck = false;
            node.faults.applyStuckSince = -1;
            node.applyCommitted();
            return ActionResult.Done.of("restarted the apply loop");
        }
        if (USE_ALTERNATIVE_ADDRESS.equals(custom.name())) {
            sim.network.monitorRerouted(node.index);
            return ActionResult.Done.of("the monitor reaches '" + node.id + "' at "
                    + custom.parameters().getOrDefault("address", "its alternative address"));
        }
        return new ActionResult.Failed("the simulated node does not know action '" + custom.name() + "'");
    }

    private static ActionResult stepDown(Simulation sim, RaftNode node, Action.StepDown stepDown) {
        if (node.role != Role.LEADER) {
            return ActionResult.Done.of("not leading; nothing to do");
        }
        node.becomeFollower(node.term, -1);
        node.resetElectionTimer();
        stepDown.successor().map(sim::node).filter(RaftNode::serving).ifPresent(successor -> {
            // like Raft's TimeoutNow: the successor campaigns at once
            successor.faults.electionsPaused = false;
            sim.loop.schedule(0, successor::campaignNow);
        });
        return ActionResult.Done.of("stepped down at term " + node.term);
    }

    private static ActionResult triggerSync(Simulation sim, RaftNode node, RaftNode from) {
        RaftNode leader = sim.leaderNode();
        if (leader == null) {
            return new ActionResult.Failed("no leader to sync from");
        }
        leader.resync(node.index);
        return ActionResult.Done.of("leader '" + leader.id + "' resends from index " + (node.log.lastIndex() + 1)
                + " (requested source '" + from.id + "')");
    }

    private static ActionResult moveAside(RaftNode node, Action.Artifact artifact) {
        if (node.alive) {
            return new ActionResult.Failed("node '" + node.id + "' is running; stop it before moving its "
                    + artifact.wireName() + " aside");
        }
        switch (artifact) {
            case DATABASE -> node.movedAside.add("database@" + node.db.appliedIndex());
            case LOG -> node.movedAside.add("log@" + node.log.lastIndex());
            case SNAPSHOTS -> node.movedAside.add("snapshots@" + node.log.snapshotIndex());
        }
        return ActionResult.Done.of("moved aside as " + node.movedAside.get(node.movedAside.size() - 1));
    }

    private static ActionResult restore(Simulation sim, RaftNode node, Action.Restore restore) {
        if (node.alive) {
            return new ActionResult.Failed("node '" + node.id + "' is running; stop it before restoring");
        }
        RaftNode from = sim.node(restore.from());
        if (!from.alive) {
            return new ActionResult.Failed("source '" + from.id + "' is down");
        }
        switch (restore.artifact()) {
            case DATABASE -> node.db = from.db.copy();
            case LOG, SNAPSHOTS -> node.log = from.log.copy();
        }
        node.commitIndex = Math.max(node.db.appliedIndex(), node.log.snapshotIndex());
        return ActionResult.Done.of("restored " + restore.artifact().wireName()
                + " from '" + from.id + "' at index " + node.db.appliedIndex());
    }

    private static ActionResult reset(RaftNode node, Action.Artifact artifact) {
        if (node.alive) {
            return new ActionResult.Failed("node '" + node.id + "' is running; stop it before resetting");
        }
        switch (artifact) {
            case DATABASE -> node.db.reset();
            case LOG, SNAPSHOTS -> node.log.reset();
        }
        return ActionResult.Done.of("reset " + artifact.wireName());
    }

    /** What was moved aside on each node, for tests. */
    static List<String> movedAside(RaftNode node) {
        return new ArrayList<>(node.movedAside);
    }
}
