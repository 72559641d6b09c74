package org.distributedtesting.recovery.core.guard;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionKind;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.core.state.ActiveRecovery;
import org.distributedtesting.recovery.core.state.EngineState;
import org.distributedtesting.recovery.core.state.NodeLedger;
import org.distributedtesting.recovery.core.state.Quarantine;
import org.distributedtesting.recovery.core.state.Recoveries;

/**
 * Every safety guard of the engine, in one place, asked at two moments: before a recovery runs its next rung
 * ({@link #beforeRung}: quarantine, a node busy with another recovery, cooldown, the attempt budget, backoff, the
 * global action budget) and before each action a rung asks for ({@link #beforeAction}: an unknown or quarantined
 * node, a node busy with another recovery, {@code auto_restart}, a suspect source, the global action budget, the
 * quorum budget). The checks both moments share are the same methods.
 *
 * <p>Not thread-safe; the engine's cycle lock guards it.
 */
public final class Guards {

    /** The guard that lets a node a recovery disturbed settle. */
    public static final String COOLDOWN = "node_cooldown";
    /** The guard that spaces attempts on a node. */
    public static final String BACKOFF = "backoff";
    /** The guard that keeps a second recovery off a node. */
    public static final String ONE_RECOVERY_PER_NODE = "one_recovery_per_node";
    /** The guard that caps actions across the cluster. */
    public static final String ACTION_BUDGET = "action_budget";

    /** Action guards that mean "not now" rather than "this rung cannot work": waiting, not climbing, is the answer. */
    public static final Set<String> WAIT_GUARDS = Set.of("quorum_budget", ONE_RECOVERY_PER_NODE, ACTION_BUDGET);

    private final EngineState state;
    private final Recoveries recoveries;
    private final Quarantine quarantine;
    private final RecoveryOptions options;

    /**
     * @param state      the engine's memory of the nodes
     * @param recoveries the recoveries in progress
     * @param quarantine the attempt budget's bookkeeping
     */
    public Guards(EngineState state, Recoveries recoveries, Quarantine quarantine) {
        this.state = Objects.requireNonNull(state, "state");
        this.recoveries = Objects.requireNonNull(recoveries, "recoveries");
        this.quarantine = Objects.requireNonNull(quarantine, "quarantine");
        this.options = state.options();
    }

    /** Whether a node is quarantined: no action touches it. */
    public boolean quarantined(NodeId node) {
        return state.ledger(node).quarantined();
    }

    /** The key of another recovery than {@code key} that holds the node, if one does. */
    public Optional<String> busyElsewhere(NodeId node, String key) {
        String holder = state.ledger(node).busyWith();
        return holder != null && !holder.equals(key) ? Optional.of(holder) : Optional.empty();
    }

    /** Whether the node is down for certain: it does not answer and its supervisor saw its process end. */
    private static boolean down(NodeId node, ClusterSnapshot snapshot) {
        NodeObservation observation = snapshot.observation(node);
        return !observation.reachable() && observation.process().isDead();
    }

    /** Whether the global action budget is spent at {@code now}. */
    public boolean budgetSpent(Instant now) {
        return state.budgetSpent(now);
    }

    /** Why the global action budget holds actions back. */
    public String budgetSpentReason() {
        return "the cluster-wide budget of " + options.actionBudget() + " actions per "
                + options.actionBudgetWindow().toSeconds() + " s is spent; waiting";
    }

    /**
     * The verdict on a recovery about to run its next rung, each guard asked once, in this order per node of the
     * failure: quarantine, another recovery holding the node, cooldown after a verified recovery; then for the
     * failure: the attempt budget, backoff, the global action budget. A failure marked immediate skips cooldown and
     * backoff; a node that is down for certain (unreachable, its process dead) skips cooldown, since a dead process
     * has nothing to settle (a crash loop is still bounded by backoff and the attempt budget).
     */
    public Verdict beforeRung(ActiveRecovery recovery, ClusterSnapshot snapshot, Instant now) {
        Failure failure = recovery.failure();
        int attempts = 0;
        Instant next = null;
        for (NodeId node : failure.nodes()) {
            NodeLedger ledger = state.ledger(node);
            if (ledger.quarantined()) {
                return new Verdict.Refuse("node '" + node + "' is quarantined");
            }
            Optional<String> holder = busyElsewhere(node, recovery.key());
            if (holder.isPresent()) {
                return new Verdict.Busy(node, holder.get());
            }
            if (!failure.immediate() && !down(node, snapshot) && ledger.cooldownUntil() != null
                    && now.isBefore(ledger.cooldownUntil())) {
                return new Verdict.Wait(COOLDOWN, "node '" + node + "' was disturbed by a recovery and settles for"
                        + " node_cooldown (" + options.nodeCooldown().toSeconds() + " s)", ledger.cooldownUntil());
            }
            attempts = Math.max(attempts, ledger.attempts(failure.type()));
            Instant allowed = ledger.nextAttemptAllowed(failure.type(), options);
            if (allowed != null && (next == null || allowed.isAfter(next))) {
                next = allowed;
            }
        }
        if (attempts >= options.maxRestartAttempts()) {
            return new Verdict.Escalate(quarantine.attemptsSpent(recovery));
        }
        if (next != null && now.isBefore(next) && !failure.immediate()) {
            return new Verdict.Wait(BACKOFF, "attempt " + (attempts + 1) + " waits out the backoff after attempt "
                    + attempts, next);
        }
        if (budgetSpent(now)) {
            return new Verdict.BudgetSpent(budgetSpentReason());
        }
        return new Verdict.Act();
    }

    /**
     * What the guards say of one action a rung of {@code recovery} asks for.
     *
     * @param refused      the refusal, or empty when the action may go on (to the backup and the node control)
     * @param quorumEffect what it does to the voters that are up, when the guards got as far as the quorum budget
     */
    public record Admission(Optional<ActionResult.Refused> refused, Optional<String> quorumEffect) {
    }

    /** The guards on one action a rung of {@code recovery} asks for, with the cluster as {@code snapshot} saw it. */
    public Admission beforeAction(Action action, ActiveRecovery recovery, ClusterSnapshot snapshot, Instant now) {
        NodeId node = action.node();
        if (!state.knows(node)) {
            return refuse("unknown_node", "node '" + node + "' is not in this cluster");
        }
        if (quarantined(node)) {
            return refuse("quarantined", "node '" + node + "' is quarantined");
        }
        Optional<String> holder = busyElsewhere(node, recovery.key());
        if (holder.isPresent()) {
            return refuse(ONE_RECOVERY_PER_NODE, "node '" + node + "' is being recovered from " + holder.get());
        }
        if (!options.autoRestart() && (action.kind() == ActionKind.START || action.kind() == ActionKind.RESTART)) {
            return refuse("auto_restart", "auto_restart is off in recovery_options");
        }
        Optional<String> suspect = action.source().flatMap(source -> suspectSource(action, source, snapshot));
        if (suspect.isPresent()) {
            return refuse("suspect_source", suspect.get());
        }
        if (budgetSpent(now)) {
            return refuse(ACTION_BUDGET, "the cluster-wide budget of " + options.actionBudget() + " actions per "
                    + options.actionBudgetWindow() + " is spent");
        }
        return quorum(action, snapshot);
    }

    private static Admission refuse(String guard, String detail) {
        return new Admission(Optional.of(new ActionResult.Refused(guard, detail)), Optional.empty());
    }

    private Optional<String> suspectSource(Action action, NodeId source, ClusterSnapshot snapshot) {
        if (source.equals(action.node())) {
            return Optional.of("a node cannot be its own source");
        }
        if (!state.knows(source)) {
            return Optional.of("source '" + source + "' is not in this cluster");
        }
        if (!snapshot.observation(source).reachable()) {
            return Optional.of("source '" + source + "' is unreachable");
        }
        if (state.suspect(source) || quarantined(source)) {
            return Optional.of("source '" + source + "' is itself affected by a failure");
        }
        return Optional.empty();
    }

    /**
     * The quorum budget: an action that takes a voter's vote away is refused when fewer than a majority of voters
     * would be left up, counting voters already down and those disrupted by recoveries not yet verified.
     */
    private Admission quorum(Action action, ClusterSnapshot snapshot) {
        List<NodeId> voters = snapshot.voters();
        Set<NodeId> down = new HashSet<>(recoveries.disruptedVoters());
        for (NodeId voter : voters) {
            if (!snapshot.observation(voter).reachable()) {
                down.add(voter);
            }
        }
        down.retainAll(voters);
        Action.Impact impact = action.impact();
        boolean disrupts = (impact == Action.Impact.DISRUPTIVE || impact == Action.Impact.DESTRUCTIVE)
                && voters.contains(action.node()) && !down.contains(action.node());
        int up = voters.size() - down.size();
        int after = disrupts ? up - 1 : up;
        int majority = voters.size() / 2 + 1;
        String effect;
        if (impact == Action.Impact.NONE) {
            effect = "none";
        } else {
            boolean restores = impact == Action.Impact.RESTORING || down.contains(action.node());
            effect = "voters up " + up + " of " + voters.size() + " -> " + after
                    + (restores ? " (+1 once '" + action.node() + "' is back)" : "") + " of " + voters.size()
                    + " (majority " + majority + ")";
        }
        if (disrupts && after < majority) {
            return new Admission(Optional.of(new ActionResult.Refused("quorum_budget", action.name() + " on '"
                    + action.node() + "' would leave " + after + " of " + voters.size() + " voters up; a majority needs "
                    + majority)), Optional.of(effect));
        }
        return new Admission(Optional.empty(), Optional.of(effect));
    }
}
