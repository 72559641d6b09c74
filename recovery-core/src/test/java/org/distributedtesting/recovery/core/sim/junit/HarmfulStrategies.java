package org.distributedtesting.recovery.core.sim.junit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.LadderStrategy;

/**
 * Deliberately wrong crash strategies, as a user might write them, that the contract and the invariant checker must
 * catch. Each detects a crashed node correctly (unreachable, process dead) unless said otherwise, and does one harmful
 * thing in its rung.
 */
final class HarmfulStrategies {

    private HarmfulStrategies() {
    }

    /** A crash strategy with a correct detector and a correct restart; subclasses add the harm. */
    abstract static class CrashBase extends LadderStrategy {

        CrashBase(String name) {
            super(name, FailureType.PROCESS_CRASH, Settings.EMPTY);
            rung("restart", this::recover);
        }

        @Override
        protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
            List<Failure> failures = new ArrayList<>();
            for (NodeObservation o : snapshot.observations().values()) {
                if (o instanceof NodeObservation.Unreachable down && down.process().isDead()) {
                    failures.add(failure(snapshot, o.node()));
                }
            }
            return failures;
        }

        Failure failure(ClusterSnapshot snapshot, NodeId crashed) {
            return Failure.of(type(), List.of(crashed), Severity.HIGH, "'" + crashed + "' is down", Map.of());
        }

        RungResult recover(Failure failure, RecoveryContext context) {
            ActionResult result = context.perform(new Action.Restart(failure.nodes().get(0)), "process dead");
            return result.done() ? RungResult.acted(result.detail()) : RungResult.failed(result.detail());
        }

        /** A node that answers and is not the leader, other than {@code except}; the "healthy node". */
        static NodeId healthyFollower(ClusterSnapshot snapshot, List<NodeId> except) {
            NodeId leader = snapshot.leaders().isEmpty() ? null : snapshot.leaders().get(0);
            return snapshot.observations().values().stream().filter(NodeObservation::reachable)
                    .map(NodeObservation::node).filter(n -> !except.contains(n) && !n.equals(leader)).sorted()
                    .findFirst().orElseThrow();
        }
    }

    /** Restarts the crashed node and, "to be safe", stops a healthy follower in every recovery (issue 14). */
    static final class StopsAHealthyNode extends CrashBase {
        StopsAHealthyNode() {
            super("stops_a_healthy_node");
        }

        @Override
        RungResult recover(Failure failure, RecoveryContext context) {
            context.perform(new Action.Stop(healthyFollower(context.snapshot(), failure.nodes())), "to be safe");
            return super.recover(failure, context);
        }
    }

    /** Reports the leader as due for a restart on every cycle, healthy or not, and restarts it. */
    static final class RestartsTheLeaderEveryCycle extends CrashBase {
        RestartsTheLeaderEveryCycle() {
            super("restarts_the_leader");
        }

        @Override
        protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
            List<Failure> failures = new ArrayList<>(super.detect(snapshot, history));
            snapshot.leaders().forEach(l -> failures.add(failure(snapshot, l)));
            return failures;
        }
    }

    /**
     * Names a healthy neighbour in the crashed node's failure and stops it along with the restart: the failure names
     * the neighbour, so no node outside its failure is touched, but the recovery leaves a node down that was up.
     */
    static final class TakesANeighbourDown extends CrashBase {
        TakesANeighbourDown() {
            super("takes_a_neighbour_down");
        }

        @Override
        Failure failure(ClusterSnapshot snapshot, NodeId crashed) {
            NodeId neighbour = healthyFollower(snapshot, List.of(crashed));
            return Failure.of(type(), List.of(crashed, neighbour), Severity.HIGH, "'" + crashed + "' is down",
                    Map.of());
        }

        @Override
        RungResult recover(Failure failure, RecoveryContext context) {
            RungResult restarted = super.recover(failure, context);
            context.perform(new Action.Stop(failure.nodes().get(1)), "its neighbour crashed");
            return restarted;
        }

        /** Resolved once the crashed node is back, whatever became of the neighbour. */
        @Override
        public boolean isResolved(Failure failure, ClusterSnapshot now, ClusterHistory history) {
            return now.observations().get(failure.nodes().get(0)).reachable();
        }
    }

    /**
     * Reports every rung as having acted, whatever the restart did, and every failure as resolved once a rung acted:
     * a failure it cannot repair is verified again and again instead of being escalated.
     */
    static final class VerifiesFalsely extends CrashBase {
        VerifiesFalsely() {
            super("verifies_falsely");
        }

        @Override
        RungResult recover(Failure failure, RecoveryContext context) {
            ActionResult result = context.perform(new Action.Restart(failure.nodes().get(0)), "process dead");
            return RungResult.acted("restart asked: " + result.detail());
        }

        @Override
        public boolean isResolved(Failure failure, ClusterSnapshot now, ClusterHistory history) {
            return true;
        }
    }
}
