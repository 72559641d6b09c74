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
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.core.state.ActiveRecovery;
import org.distributedtesting.recovery.core.state.Authority;
import org.distributedtesting.recovery.core.state.EngineState;
import org.distributedtesting.recovery.core.state.NodeLedger;
import org.distributedtesting.recovery.core.state.Quarantine;
import org.distributedtesting.recovery.core.state.Recoveries;

/**
 * Every safety guard of the engine, in one place, asked at two moments: before a recovery runs its next rung
 * ({@link #beforeRung}: quarantine, a node busy with another recovery, cooldown, the attempt budget, backoff, the
 * global action budget) and before each action a rung asks for ({@link #beforeAction}: an unknown or quarantined
 * node, a node busy with another recovery, {@code auto_restart}, a suspect source, the committed-replica budget, the
 * global action budget, the quorum budget). The checks both moments share are the same methods.
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
    /** The guard that keeps every committed entry on a majority of intact voters. */
    public static final String COMMITTED_REPLICAS = "committed_replicas";
    /** The guard that stops an engine that no longer holds the lease of several engines on one cluster. */
    public static final String LEASE = "lease";

    /** Action guards that mean "not now" rather than "this rung cannot work": waiting, not climbing, is the answer. */
    public static final Set<String> WAIT_GUARDS = Set.of("quorum_budget", ONE_RECOVERY_PER_NODE, ACTION_BUDGET,
            COMMITTED_REPLICAS, LEASE);

    private final Authority authority;
    private final EngineState state;
    private final Recoveries recoveries;
    private final Quarantine quarantine;
    private final RecoveryOptions options;

    /**
     * @param state      the engine's memory of the nodes
     * @param recoveries the recoveries in progress
     * @param quarantine the attempt budget's bookkeeping
     * @param authority  whether this engine may act (the lease of several engines on one cluster)
     */
    public Guards(EngineState state, Recoveries recoveries, Quarantine quarantine, Authority authority) {
        this.authority = Objects.requireNonNull(authority, "authority");
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

    /**
     * The guards on one action a rung of {@code recovery} asks for, with the cluster as {@code snapshot} saw it and
     * {@code history} before it.
     */
    public Admission beforeAction(Action action, ActiveRecovery recovery, ClusterSnapshot snapshot,
                                  ClusterHistory history, Instant now) {
        NodeId node = action.node();
        Optional<String> lost = authority.lost();
        if (lost.isPresent()) {
            return refuse(LEASE, lost.get());
        }
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
        Optional<String> unsafe = committedReplicas(action, snapshot, history);
        if (unsafe.isPresent()) {
            return refuse(COMMITTED_REPLICAS, unsafe.get());
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
     * The committed-replica budget: an action that discards a voter's log (moves it or its snapshots aside, resets or
     * replaces them) is refused while fewer than a majority of the other voters are known to hold every committed
     * entry. A voter with an empty log votes for any candidate, so with the entries left on fewer than a majority, a
     * majority without them could elect a leader that lacks them, and committed writes would be lost. A voter holds
     * them when it answered, no unverified recovery disturbed it, and its log reaches the highest commit index any
     * voter reported a cycle ago (entries committed within the last cycle are still on their way to followers that
     * keep up). Waiting is the answer: once the voters that are down, cut off or behind are back and caught up, the
     * repair goes on.
     */
    private Optional<String> committedReplicas(Action action, ClusterSnapshot snapshot, ClusterHistory history) {
        NodeId node = action.node();
        if (!discardsLog(action) || !snapshot.voters().contains(node)) {
            return Optional.empty();
        }
        ClusterSnapshot before = history.ago(1).orElse(snapshot);
        long committed = before.voters().stream().map(before::status).flatMap(Optional::stream)
                .mapToLong(NodeStatus::commitIndex).max().orElse(-1);
        Set<NodeId> disturbed = recoveries.disruptedVoters();
        List<NodeId> holders = snapshot.voters().stream()
                .filter(v -> !v.equals(node) && !disturbed.contains(v))
                .filter(v -> snapshot.status(v).map(s -> s.lastLogIndex() >= committed).orElse(false))
                .toList();
        int majority = snapshot.quorum();
        if (committed >= 0 && holders.size() >= majority) {
            return Optional.empty();
        }
        return Optional.of(action.name() + " on '" + node + "' would leave " + holders.size() + " of "
                + snapshot.voters().size() + " voters known to hold every entry committed up to index " + committed
                + (holders.isEmpty() ? "" : " " + holders) + "; a majority needs " + majority
                + ": a majority without those entries could elect a leader that lacks them; waiting for the other"
                + " voters to be back and caught up");
    }

    /** Whether the action discards the node's log: moves aside, resets or replaces its log or its snapshots. */
    private static boolean discardsLog(Action action) {
        Action.Artifact artifact = switch (action.kind()) {
            case MOVE_ASIDE -> ((Action.MoveAside) action).artifact();
            case RESET -> ((Action.Reset) action).artifact();
            case RESTORE -> ((Action.Restore) action).artifact();
            case START, STOP, RESTART, STEP_DOWN, PAUSE_ELECTIONS, RESUME_ELECTIONS, CANCEL_OPERATIONS,
                 CLEANUP_RESOURCES, TRIGGER_SYNC, CHECK_DATA, DEMOTE, PROMOTE, RAISE_TERM, CUSTOM -> null;
        };
        return artifact == Action.Artifact.LOG || artifact == Action.Artifact.SNAPSHOTS;
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
