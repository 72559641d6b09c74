package org.distributedtesting.recovery.core.sim;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;

/**
 * {@value InvariantChecker#AVAILABILITY}: a recovery takes a node out of service (stops or restarts it, demotes it,
 * replaces its data: a {@link Action.Impact#DISRUPTIVE disruptive} or {@link Action.Impact#DESTRUCTIVE destructive}
 * action) only when a detected failure names that node. The failure an action was carried out for is the one in the
 * engine's {@link RecoveryEvent.ActionTaken} event, so the rule needs the engine's events: every engine built with
 * {@link SimulatedCluster#engine()} sends them. A node a test declares on purpose (a strategy's rolling restart) is
 * allowed with {@link InvariantChecker#allowDisruption}. Harmless actions (step down, raise a term, sync, pause
 * elections, move data aside) may touch any node: a data repair steps down the leader, a split-brain recovery the
 * stale leaders.
 *
 * <p>Not thread-safe; the cluster's lock guards it.
 */
final class AvailabilityRule {

    private final InvariantChecker checker;
    private final Map<NodeId, String> allowed = new TreeMap<>();

    AvailabilityRule(InvariantChecker checker) {
        this.checker = checker;
    }

    void allow(NodeId node, String reason) {
        allowed.put(node, reason);
    }

    void disallow(NodeId node) {
        allowed.remove(node);
    }

    void event(RecoveryEvent event) {
        if (!(event instanceof RecoveryEvent.ActionTaken taken) || taken.dryRun() || !taken.result().done()) {
            return;
        }
        Action action = taken.action();
        if (!disrupts(action)) {
            return;
        }
        Failure failure = taken.failure();
        Set<NodeId> patients = Set.copyOf(failure.nodes());
        if (patients.contains(action.node()) || allowed.containsKey(action.node())) {
            return;
        }
        checker.record(InvariantChecker.AVAILABILITY, action.name() + " on '" + action.node() + "' (rung '"
                + taken.rung() + "' of the recovery of " + failure.key() + "), but no detected failure names '"
                + action.node() + "': the failure names only " + failure.nodes());
    }

    /** Whether the action takes the node out of service: it stops or restarts it, demotes it, or replaces its data. */
    static boolean disrupts(Action action) {
        return action.impact() == Action.Impact.DISRUPTIVE || action.impact() == Action.Impact.DESTRUCTIVE;
    }
}
