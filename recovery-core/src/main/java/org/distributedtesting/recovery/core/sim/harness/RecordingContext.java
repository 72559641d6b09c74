package org.distributedtesting.recovery.core.sim.harness;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * A fake {@link RecoveryContext} for a unit test of one rung, without an engine: it records every action the rung
 * asks for, in order, with its reason, and answers each with what the test says (by default, done). Probes answer
 * from the snapshot unless the test gives a fresher observation. No guard runs: the test sees what the rung asks
 * for, not what the engine would allow (run the rung on a {@link SimulatedRecovery} for that).
 *
 * <pre>{@code
 * RecordingContext context = RecordingContext.of(failure, snapshot)
 *         .answering(action -> new ActionResult.Failed("node refused"));
 * RungResult result = strategy.attempt(0, failure, context);
 * assertThat(context.performedNames()).containsExactly("restart_node");
 * }</pre>
 *
 * Defaults: an empty history, {@link RecoveryOptions#defaults()}, rung 0, attempt 1, no dry run, and a clock fixed
 * at the snapshot's time.
 *
 * <p>Not thread-safe: one test, one rung, one thread.
 */
public final class RecordingContext implements RecoveryContext {

    private final Failure failure;
    private final ClusterSnapshot snapshot;
    private ClusterHistory history = ClusterHistory.EMPTY;
    private RecoveryOptions options = RecoveryOptions.defaults();
    private int rung;
    private int attempt = 1;
    private boolean dryRun;
    private Function<Action, ActionResult> answers = action -> ActionResult.Done.of("done");
    private final Map<NodeId, NodeObservation> fresh = new HashMap<>();
    private final Set<NodeId> dataUnreachableWhenStopped = new HashSet<>();
    private final List<Action> performed = new ArrayList<>();
    private final List<String> reasons = new ArrayList<>();

    private RecordingContext(Failure failure, ClusterSnapshot snapshot) {
        this.failure = Objects.requireNonNull(failure, "failure");
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    }

    /**
     * A context for a rung that recovers {@code failure}, confirmed in {@code snapshot}.
     *
     * @throws NullPointerException if an argument is null
     */
    public static RecordingContext of(Failure failure, ClusterSnapshot snapshot) {
        return new RecordingContext(failure, snapshot);
    }

    /** The earlier snapshots the rung sees; empty by default. */
    public RecordingContext history(ClusterHistory earlier) {
        this.history = Objects.requireNonNull(earlier, "earlier");
        return this;
    }

    /** The engine's policy the rung sees; {@link RecoveryOptions#defaults()} by default. */
    public RecordingContext options(RecoveryOptions policy) {
        this.options = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** The rung index and attempt number the rung sees; 0 and 1 by default. */
    public RecordingContext rung(int index, int attemptNumber) {
        this.rung = index;
        this.attempt = attemptNumber;
        return this;
    }

    /** Whether the rung runs in a dry run; false by default. */
    public RecordingContext dryRun(boolean value) {
        this.dryRun = value;
        return this;
    }

    /** How each action is answered; done by default. */
    public RecordingContext answering(Function<Action, ActionResult> results) {
        this.answers = Objects.requireNonNull(results, "results");
        return this;
    }

    /** What a probe of the observation's node answers from now on, instead of the snapshot's observation. */
    public RecordingContext probing(NodeObservation observation) {
        fresh.put(observation.node(), observation);
        return this;
    }

    /** The actions the rung asked for, in order. */
    public List<Action> performed() {
        return List.copyOf(performed);
    }

    /** The journal names of the actions the rung asked for, in order (such as {@code restart_node}). */
    public List<String> performedNames() {
        return performed.stream().map(Action::name).toList();
    }

    /** The reasons the rung gave for its actions, in order. */
    public List<String> reasons() {
        return List.copyOf(reasons);
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
        return options;
    }

    @Override
    public Clock clock() {
        return Clock.fixed(snapshot.takenAt(), ZoneOffset.UTC);
    }

    @Override
    public int rung() {
        return rung;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public boolean dryRun() {
        return dryRun;
    }

    /**
     * Makes the data of {@code nodes} unreachable while they are stopped, as for a daemon's node without a
     * maintenance command ({@link #changesDataWhileStopped}).
     */
    public RecordingContext dataUnreachableWhenStopped(NodeId... nodes) {
        dataUnreachableWhenStopped.addAll(List.of(nodes));
        return this;
    }

    @Override
    public boolean changesDataWhileStopped(NodeId node) {
        return !dataUnreachableWhenStopped.contains(node);
    }

    /** Records the action and answers it as the test said; never throws for a failed action. */
    @Override
    public ActionResult perform(Action action, String reason) {
        performed.add(Objects.requireNonNull(action, "action"));
        reasons.add(Objects.requireNonNull(reason, "reason"));
        return Objects.requireNonNull(answers.apply(action), "the test's answer to " + action.name());
    }

    /** @throws IllegalArgumentException if the node is not in the snapshot */
    @Override
    public NodeObservation probe(NodeId node) {
        NodeObservation observation = fresh.get(node);
        return observation != null ? observation : snapshot.observation(node);
    }
}
