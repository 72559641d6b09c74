package org.distributedtesting.recovery.strategies;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RungResult;

/**
 * One repair of a node's data while its process is stopped: stop it, run steps (move aside, restore, reset), start
 * it again. Every action goes through {@link RecoveryContext#perform}, so the engine's guards apply to each. When a
 * step after the stop fails, the node is started again on what it has, so that a failed repair never leaves a
 * voter down that the quorum budget counted on getting back.
 *
 * <p>Not thread-safe: one repair is driven by one rung on one thread.
 */
final class OfflineRepair {

    /**
     * Why a repair is not begun on a node whose data nothing reaches while it is stopped: the daemon's node with a
     * {@code command} or {@code supervise} but no {@code maintenance_command}, whose move aside, restore and reset
     * would be requests to a node that is down. Stopping it would only lead to starting it again on the damaged data.
     */
    static final String NO_MAINTENANCE_COMMAND = "cannot repair the data of a stopped node without maintenance_command";

    private final RecoveryContext context;
    private final NodeId node;
    private final String reason;
    private final List<String> done = new ArrayList<>();
    private boolean stopped;
    private Action refusedAhead;
    private boolean unreachableWhenStopped;
    private ActionResult last;

    OfflineRepair(RecoveryContext context, NodeId node, String reason) {
        this.context = Objects.requireNonNull(context, "context");
        this.node = Objects.requireNonNull(node, "node");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Stops the node's process for the steps to come, after asking the engine's guards about each of them first
     * ({@link RecoveryContext#refusal}): a repair that a guard would refuse half-way stops nothing. False when a guard
     * would refuse a step (the refusal is then the {@linkplain #last last result}), or the stop failed or was refused.
     */
    boolean stopFor(Action... steps) {
        if (Arrays.stream(steps).anyMatch(a -> a.kind().onData()) && !context.changesDataWhileStopped(node)) {
            unreachableWhenStopped = true;
            return false;
        }
        for (Action planned : steps) {
            Optional<ActionResult.Refused> refused = context.refusal(planned);
            if (refused.isPresent()) {
                last = refused.get();
                refusedAhead = planned;
                return false;
            }
        }
        stopped = step(new Action.Stop(node));
        return stopped;
    }

    /** Performs one step; false when it failed or a guard refused it. */
    boolean step(Action action) {
        last = context.perform(action, reason);
        if (last.succeeded()) {
            done.add(action.name());
            return true;
        }
        return false;
    }

    /** The result of the last step. */
    ActionResult last() {
        return last;
    }

    /** Moves {@code artifact} aside, then resets it. */
    boolean moveAsideAndReset(Action.Artifact artifact) {
        return step(new Action.MoveAside(node, artifact)) && step(new Action.Reset(node, artifact));
    }

    /** Starts the node again: the rung acted when it started, failed otherwise. */
    RungResult start() {
        if (step(new Action.Start(node))) {
            return RungResult.acted("'" + node + "': " + String.join(", ", done));
        }
        return RungResult.failed("start of '" + node + "' after " + String.join(", ", done) + " "
                + describe(last));
    }

    /**
     * Asks the leader to step down once a repaired node is back. A Raft leader never lowers the match index it keeps
     * for a follower, so after the node's log was reset (or set aside because a restored database supersedes it, as
     * the Ratis example does) the leader still counts entries the node no longer holds, towards commits too, and
     * keeps probing past the node's new end: seen on the real Ratis cluster, where the repaired follower answered
     * every heartbeat "inconsistent" and never caught up until leadership moved. A new leader starts every
     * follower's replication state afresh. Skipped when the node itself led (another leader was elected while it was
     * down) or no single leader is known; a step-down that fails leaves the repair done and is reported.
     *
     * @return a note for the rung's detail
     */
    static String stepDownLeader(RecoveryContext context, NodeId node) {
        Optional<LagSignals.Leader> leader = LagSignals.leader(context.snapshot());
        if (leader.isEmpty() || leader.get().id().equals(node)) {
            return "";
        }
        ActionResult result = context.perform(new Action.StepDown(leader.get().id(), Optional.empty()),
                "'" + node + "' lost log entries that leader '" + leader.get().id() + "' counts as replicated on it:"
                        + " a new leader tracks its replication afresh");
        return result.succeeded() ? ", step_down_leader '" + leader.get().id() + "'"
                : "; step-down of leader '" + leader.get().id() + "' " + describe(result);
    }

    /**
     * Gives up after a failed step: starts the node again if this repair stopped it, and reports the step that
     * failed, or the step a guard would have refused before anything was stopped.
     */
    RungResult abort(String what) {
        if (unreachableWhenStopped) {
            return skipped(node);
        }
        if (refusedAhead != null) {
            return RungResult.failed(refusedAhead.name() + " on '" + node + "' would be " + describe(last)
                    + "; nothing was stopped");
        }
        String failure = what + " on '" + node + "' " + describe(last);
        if (stopped) {
            ActionResult restart = context.perform(new Action.Start(node), "rollback after a failed repair: "
                    + failure);
            failure += "; started it again on its old data: " + restart.detail();
        }
        return RungResult.failed(failure);
    }

    /**
     * The skip of a rung that would stop one of {@code nodes} to change data that nothing reaches while the node is
     * stopped ({@link RecoveryContext#changesDataWhileStopped}); empty when every node's data can be repaired. The
     * rung skips instead of stopping the node, so that the ladder climbs at once and, past its last rung, the engine
     * escalates with this reason rather than spending every attempt on restarts on damaged data.
     */
    static Optional<RungResult> unreachableWhenStopped(Collection<NodeId> nodes, RecoveryContext context) {
        return nodes.stream().filter(n -> !context.changesDataWhileStopped(n)).findFirst()
                .map(OfflineRepair::skipped);
    }

    private static RungResult skipped(NodeId node) {
        return RungResult.skipped("'" + node + "': " + NO_MAINTENANCE_COMMAND + " (its move aside, restore and reset"
                + " would be requests to the stopped node, which cannot answer them); nothing was stopped");
    }

    private static String describe(ActionResult result) {
        if (result instanceof ActionResult.Refused refused) {
            return "refused by " + refused.guard() + ": " + refused.detail();
        }
        return "failed: " + (result == null ? "not run" : result.detail());
    }
}
