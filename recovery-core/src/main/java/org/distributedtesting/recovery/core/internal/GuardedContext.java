package org.distributedtesting.recovery.core.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The context a rung runs in, and the engine's safety guards on every action: unknown or quarantined nodes, a
 * node busy with another recovery, {@code auto_restart}, a suspect source, the quorum budget, the global action
 * budget, backup before a destructive step, and dry run. Every action, refused or not, is journaled.
 *
 * <p>Used by one thread for one rung, under the engine's cycle lock.
 */
final class GuardedContext implements RecoveryContext {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedContext.class);

    private final EngineState state;
    private final ActiveRecovery recovery;
    private final ClusterSnapshot snapshot;
    private final ClusterHistory history;
    private final int rung;
    private final int attempt;
    private int actionsDone;
    private int waitRefusals;

    /** Guards that mean "not now" rather than "this rung cannot work": waiting, not climbing, is the answer. */
    private static final java.util.Set<String> WAIT_GUARDS =
            java.util.Set.of("quorum_budget", "one_recovery_per_node", "action_budget");

    GuardedContext(EngineState state, ActiveRecovery recovery, ClusterSnapshot snapshot, ClusterHistory history,
                   int rung, int attempt) {
        this.state = state;
        this.recovery = recovery;
        this.snapshot = snapshot;
        this.history = history;
        this.rung = rung;
        this.attempt = attempt;
    }

    @Override
    public Failure failure() {
        return recovery.failure();
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
        return state.options;
    }

    @Override
    public Clock clock() {
        return state.clock;
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
        return state.options.dryRun();
    }

    /** Actions carried out (not refused, not planned) in this rung. */
    int actionsDone() {
        return actionsDone;
    }

    /**
     * Whether the rung was held back by a guard that says "not now" (the quorum budget, a node busy with another
     * recovery, the global action budget) before it could change anything: such a rung is retried later, without
     * counting an attempt or climbing the ladder.
     */
    boolean deferredByGuard() {
        return waitRefusals > 0 && actionsDone == 0;
    }

    @Override
    public NodeObservation probe(NodeId node) {
        NodeObservation observation = state.probes.probe(spec(node));
        return Objects.requireNonNull(observation);
    }

    private org.distributedtesting.recovery.NodeSpec spec(NodeId node) {
        var spec = state.nodes.get(Objects.requireNonNull(node, "node"));
        if (spec == null) {
            throw new IllegalArgumentException("node '" + node + "' is not in this cluster");
        }
        return spec;
    }

    @Override
    public ActionResult perform(Action action, String reason) {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reason, "reason");
        Map<String, Object> facts = new LinkedHashMap<>();
        ActionResult result = guard(action, facts);
        if (result == null) {
            result = backupFirst(action, facts);
        }
        if (result == null && dryRun()) {
            facts.put("rollback", action.rollback());
            result = new ActionResult.Planned("would " + action.name().replace('_', ' ') + " on '" + action.node()
                    + "'; quorum effect: " + facts.get("quorum_effect"));
        }
        if (result == null) {
            result = execute(action);
        }
        if (result instanceof ActionResult.Refused refused && WAIT_GUARDS.contains(refused.guard())) {
            waitRefusals++;
        }
        record(action, reason, result, facts);
        return result;
    }

    private ActionResult guard(Action action, Map<String, Object> facts) {
        NodeId node = action.node();
        if (!state.nodes.containsKey(node)) {
            return new ActionResult.Refused("unknown_node", "node '" + node + "' is not in this cluster");
        }
        if (state.ledger(node).quarantined()) {
            return new ActionResult.Refused("quarantined", "node '" + node + "' is quarantined");
        }
        String busy = state.ledger(node).busyWith();
        if (busy != null && !busy.equals(recovery.key())) {
            return new ActionResult.Refused("one_recovery_per_node",
                    "node '" + node + "' is being recovered from " + busy);
        }
        if (!state.options.autoRestart()
                && (action instanceof Action.Start || action instanceof Action.Restart)) {
            return new ActionResult.Refused("auto_restart", "auto_restart is off in recovery_options");
        }
        if (action.source().isPresent()) {
            ActionResult refused = checkSource(action, action.source().get());
            if (refused != null) {
                return refused;
            }
        }
        Instant now = state.clock.instant();
        if (state.actionsInWindow(now) >= state.options.actionBudget()) {
            return new ActionResult.Refused("action_budget", "the cluster-wide budget of "
                    + state.options.actionBudget() + " actions per " + state.options.actionBudgetWindow()
                    + " is spent");
        }
        return quorum(action, facts);
    }

    private ActionResult checkSource(Action action, NodeId source) {
        if (source.equals(action.node())) {
            return new ActionResult.Refused("suspect_source", "a node cannot be its own source");
        }
        if (!state.nodes.containsKey(source)) {
            return new ActionResult.Refused("suspect_source", "source '" + source + "' is not in this cluster");
        }
        if (!snapshot.observation(source).reachable()) {
            return new ActionResult.Refused("suspect_source", "source '" + source + "' is unreachable");
        }
        if (state.suspect.contains(source) || state.ledger(source).quarantined()) {
            return new ActionResult.Refused("suspect_source",
                    "source '" + source + "' is itself affected by a failure");
        }
        return null;
    }

    private ActionResult quorum(Action action, Map<String, Object> facts) {
        List<NodeId> voters = snapshot.voters();
        Set<NodeId> down = new HashSet<>(state.disruptedVoters());
        for (NodeId voter : voters) {
            if (!snapshot.observation(voter).reachable()) {
                down.add(voter);
            }
        }
        down.retainAll(voters);
        boolean disrupts = (action.impact() == Action.Impact.DISRUPTIVE
                || action.impact() == Action.Impact.DESTRUCTIVE)
                && voters.contains(action.node()) && !down.contains(action.node());
        int up = voters.size() - down.size();
        int after = disrupts ? up - 1 : up;
        int quorum = voters.size() / 2 + 1;
        if (action.impact() == Action.Impact.NONE) {
            facts.put("quorum_effect", "none");
        } else {
            boolean restores = action.impact() == Action.Impact.RESTORING || down.contains(action.node());
            facts.put("quorum_effect", "voters up " + up + " of " + voters.size() + " -> " + after
                    + (restores ? " (+1 once '" + action.node() + "' is back)" : "") + " of " + voters.size()
                    + " (majority " + quorum + ")");
        }
        if (disrupts && after < quorum) {
            return new ActionResult.Refused("quorum_budget", action.name() + " on '" + action.node()
                    + "' would leave " + after + " of " + voters.size() + " voters up; a majority needs " + quorum);
        }
        return null;
    }

    private ActionResult backupFirst(Action action, Map<String, Object> facts) {
        if (!state.options.backupBeforeRecovery() || action.impact() != Action.Impact.DESTRUCTIVE) {
            return null;
        }
        Action.Artifact artifact = artifactOf(action);
        if (artifact == null || recovery.backedUp(action.node(), artifact)) {
            return null;
        }
        ActionResult backup = perform(new Action.MoveAside(action.node(), artifact),
                "backup_before_recovery: before " + action.name());
        facts.put("backup", backup.detail());
        if (backup instanceof ActionResult.Done || backup instanceof ActionResult.Planned) {
            return null;
        }
        return new ActionResult.Refused("backup_before_recovery",
                "could not move the " + artifact.name().toLowerCase(java.util.Locale.ROOT) + " aside first: "
                        + backup.detail());
    }

    private static Action.Artifact artifactOf(Action action) {
        if (action instanceof Action.Restore restore) {
            return restore.artifact();
        }
        if (action instanceof Action.Reset reset) {
            return reset.artifact();
        }
        return null;
    }

    private ActionResult execute(Action action) {
        state.actionTimes.addLast(state.clock.instant());
        ActionResult result;
        try {
            result = state.control.execute(action);
            if (result == null) {
                result = new ActionResult.Failed("node control returned no result");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = new ActionResult.Failed("interrupted");
        } catch (Exception e) {
            LOG.warn("action {} on '{}' failed", action.name(), action.node(), e);
            result = new ActionResult.Failed(ProbeRunner.describe(e));
        }
        actionsDone++;
        if (result instanceof ActionResult.Done) {
            if (action.impact() == Action.Impact.DISRUPTIVE || action.impact() == Action.Impact.DESTRUCTIVE) {
                recovery.disrupted().add(action.node());
            }
            if (action instanceof Action.MoveAside moveAside) {
                recovery.backedUp(moveAside.node(), moveAside.artifact(), true);
            }
        }
        return result;
    }

    private void record(Action action, String reason, ActionResult result, Map<String, Object> facts) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("node", action.node().value());
        details.put("reason", reason);
        if (result instanceof ActionResult.Done done) {
            details.putAll(done.data());
        }
        action.source().ifPresent(s -> details.put("source", s.value()));
        details.putAll(action.parameters());
        details.put("outcome", outcome(result));
        details.put("detail", result.detail());
        if (result instanceof ActionResult.Refused refused) {
            details.put("guard", refused.guard());
        }
        details.putAll(facts);
        details.put("rung", recovery.rungName(rung));
        details.put("attempt", attempt);
        details.putAll(EventSink.describe(recovery.failure()));
        if (dryRun()) {
            details.put("dry_run", true);
        }
        Instant now = state.clock.instant();
        state.sink.journal(new JournalRecord(now, action.name(), details));
        state.sink.publish(new RecoveryEvent.ActionTaken(now, recovery.failure(), action, result));
        if (result instanceof ActionResult.Refused refused) {
            LOG.warn("refused {} on '{}' ({}): {}", action.name(), action.node(), refused.guard(), refused.detail());
        } else {
            LOG.info("{} on '{}': {} ({})", action.name(), action.node(), outcome(result), result.detail());
        }
    }

    private static String outcome(ActionResult result) {
        if (result instanceof ActionResult.Done) {
            return "done";
        }
        if (result instanceof ActionResult.Failed) {
            return "failed";
        }
        if (result instanceof ActionResult.Refused) {
            return "refused";
        }
        return "planned";
    }
}
