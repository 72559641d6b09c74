package org.distributedtesting.recovery.strategies;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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
 * A fake {@link RecoveryContext} for rung unit tests: it records every action a rung asks for, in order, and answers
 * with what the test says (by default, done).
 */
final class RecordingContext implements RecoveryContext {

    private final Failure failure;
    private final ClusterSnapshot snapshot;
    private final ClusterHistory history;
    private final Function<Action, ActionResult> answers;
    private final List<Action> performed = new ArrayList<>();

    RecordingContext(Failure failure, ClusterSnapshot snapshot, ClusterHistory history,
                     Function<Action, ActionResult> answers) {
        this.failure = failure;
        this.snapshot = snapshot;
        this.history = history;
        this.answers = answers;
    }

    RecordingContext(Failure failure, ClusterSnapshot snapshot, ClusterHistory history) {
        this(failure, snapshot, history, a -> ActionResult.Done.of("done"));
    }

    /** The actions asked for, in order. */
    List<Action> performed() {
        return List.copyOf(performed);
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
        performed.add(action);
        return answers.apply(action);
    }

    @Override
    public NodeObservation probe(NodeId node) {
        return snapshot.observation(node);
    }
}
