package org.distributedtesting.recovery.strategies;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RecoveryOptions;

/**
 * A recovery context for rung tests: it records the actions a rung performs and answers each with
 * {@code results} (done by default); probes answer from the snapshot unless a fresher observation is set.
 */
final class ProbingContext implements RecoveryContext {

    private final Failure failure;
    private final ClusterSnapshot snapshot;
    private final ClusterHistory history;
    private final List<Action> actions = new ArrayList<>();
    private final Map<NodeId, NodeObservation> fresh = new HashMap<>();
    private Function<Action, ActionResult> results = a -> ActionResult.Done.of("done");

    ProbingContext(Failure failure, ClusterSnapshot snapshot, ClusterHistory history) {
        this.failure = failure;
        this.snapshot = snapshot;
        this.history = history;
    }

    ProbingContext answering(Function<Action, ActionResult> answers) {
        this.results = answers;
        return this;
    }

    ProbingContext probing(NodeObservation observation) {
        fresh.put(observation.node(), observation);
        return this;
    }

    List<Action> actions() {
        return List.copyOf(actions);
    }

    @Override
    public Failure failure() {
        return failure;
    }

    @Override
    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    @Override
    public ClusterHistory history() {
        return history;
    }

    @Override
    public RecoveryOptions options() {
        return RecoveryOptions.defaults();
    }

    @Override
    public Clock clock() {
        return Clock.fixed(snapshot.takenAt(), ZoneOffset.UTC);
    }

    @Override
    public int rung() {
        return 0;
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public boolean dryRun() {
        return false;
    }

    @Override
    public ActionResult perform(Action action, String reason) {
        actions.add(action);
        return results.apply(action);
    }

    @Override
    public NodeObservation probe(NodeId node) {
        return fresh.getOrDefault(node, snapshot.observation(node));
    }
}
