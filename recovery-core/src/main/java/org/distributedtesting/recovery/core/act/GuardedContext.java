package org.distributedtesting.recovery.core.act;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionKind;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.core.guard.Guards;
import org.distributedtesting.recovery.core.probe.ProbeRunner;
import org.distributedtesting.recovery.core.report.EventSink;
import org.distributedtesting.recovery.core.state.ActiveRecovery;
import org.distributedtesting.recovery.core.state.EngineState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The context a rung runs in: every action it asks for passes the {@link Guards}, then the backup the engine makes
 * before a destructive step, then dry run, and only then reaches the {@link NodeControl}. Every action, refused or
 * not, is an {@link RecoveryEvent.ActionTaken} event (and so a journal record).
 *
 * <p>Used by one thread for one rung, under the engine's cycle lock.
 */
final class GuardedContext implements RecoveryContext {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedContext.class);

    private final EngineState state;
    private final Guards guards;
    private final NodeControl control;
    private final ProbeRunner probes;
    private final EventSink sink;
    private final ActiveRecovery recovery;
    private final ClusterSnapshot snapshot;
    private final ClusterHistory history;
    private final int rung;
    private final int attempt;
    /** Actions carried out whose impact is not {@code NONE}: they changed a node's process or data. */
    private int changesDone;
    private int waitRefusals;

    GuardedContext(EngineState state, Guards guards, NodeControl control, ProbeRunner probes, EventSink sink,
                   ActiveRecovery recovery, ClusterSnapshot snapshot, ClusterHistory history, int rung, int attempt) {
        this.state = state;
        this.guards = guards;
        this.control = control;
        this.probes = probes;
        this.sink = sink;
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
        return state.options();
    }

    @Override
    public Clock clock() {
        return state.clock();
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
        return state.options().dryRun();
    }

    /**
     * Whether the rung was held back by a guard that says "not now" (the quorum budget, the committed-replica
     * budget, a node busy with another recovery, the global action budget), on an action it asked for or asked
     * about ({@link #refusal}), before it changed a node's process or data (a harmless action such as a step-down
     * may have run): such a rung is retried later, without counting an attempt or climbing the ladder.
     */
    boolean deferredByGuard() {
        return waitRefusals > 0 && changesDone == 0;
    }

    @Override
    public boolean changesDataWhileStopped(NodeId node) {
        return control.changesDataWhileStopped(Objects.requireNonNull(node, "node"));
    }

    @Override
    public NodeObservation probe(NodeId node) {
        return Objects.requireNonNull(probes.probe(state.spec(node)));
    }

    @Override
    public Optional<ActionResult.Refused> refusal(Action action) {
        Objects.requireNonNull(action, "action");
        Optional<ActionResult.Refused> refused = guards.beforeAction(action, recovery, snapshot, history,
                state.clock().instant()).refused();
        if (refused.isPresent() && Guards.WAIT_GUARDS.contains(refused.get().guard())) {
            waitRefusals++;
        }
        return refused;
    }

    @Override
    public ActionResult perform(Action action, String reason) {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reason, "reason");
        Guards.Admission admission = guards.beforeAction(action, recovery, snapshot, history,
                state.clock().instant());
        ActionResult result = admission.refused().orElse(null);
        Optional<String> backup = Optional.empty();
        if (result == null && needsBackup(action)) {
            Action.Artifact artifact = artifactOf(action);
            ActionResult moved = perform(new Action.MoveAside(action.node(), artifact),
                    "backup_before_recovery: before " + action.name());
            backup = Optional.of(moved.detail());
            if (!moved.succeeded()) {
                result = new ActionResult.Refused("backup_before_recovery", "could not move the "
                        + artifact.wireName() + " aside first: " + moved.detail());
            }
        }
        if (result == null && dryRun()) {
            result = new ActionResult.Planned("would " + action.name().replace('_', ' ') + " on '" + action.node()
                    + "'; quorum effect: " + admission.quorumEffect().orElse(null));
        }
        if (result == null) {
            result = execute(action);
        }
        if (result instanceof ActionResult.Refused refused && Guards.WAIT_GUARDS.contains(refused.guard())) {
            waitRefusals++;
        }
        sink.emit(new RecoveryEvent.ActionTaken(state.clock().instant(), recovery.failure(), action, result, reason,
                recovery.rungName(rung), attempt, admission.quorumEffect(), backup, dryRun()));
        if (result instanceof ActionResult.Refused refused) {
            LOG.warn("refused {} on '{}' ({}): {}", action.name(), action.node(), refused.guard(), refused.detail());
        } else {
            LOG.info("{} on '{}': {} ({})", action.name(), action.node(), result.outcome().journalName(),
                    result.detail());
        }
        return result;
    }

    /** With {@code backup_before_recovery}, a destructive action is preceded by a move aside of the same data. */
    private boolean needsBackup(Action action) {
        if (!state.options().backupBeforeRecovery() || action.impact() != Action.Impact.DESTRUCTIVE) {
            return false;
        }
        Action.Artifact artifact = artifactOf(action);
        return artifact != null && !recovery.backedUp(action.node(), artifact);
    }

    private static Action.Artifact artifactOf(Action action) {
        return switch (action.kind()) {
            case RESTORE -> ((Action.Restore) action).artifact();
            case RESET -> ((Action.Reset) action).artifact();
            case START, STOP, RESTART, STEP_DOWN, PAUSE_ELECTIONS, RESUME_ELECTIONS, CANCEL_OPERATIONS,
                 CLEANUP_RESOURCES, TRIGGER_SYNC, MOVE_ASIDE, CHECK_DATA, DEMOTE, PROMOTE, RAISE_TERM, CUSTOM -> null;
        };
    }

    private ActionResult execute(Action action) {
        Instant now = state.clock().instant();
        state.countAction(now);
        ActionResult result;
        try {
            result = control.execute(action);
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
        if (action.impact() != Action.Impact.NONE) {
            changesDone++;
        }
        if (result.done()) {
            if (action.impact() == Action.Impact.DISRUPTIVE || action.impact() == Action.Impact.DESTRUCTIVE) {
                recovery.markDisrupted(action.node());
            }
            if (action.impact() != Action.Impact.NONE) {
                recovery.markSettling(action.node());
            }
            if (action.kind() == ActionKind.START || action.kind() == ActionKind.RESTART) {
                recovery.markStarted(action.node());
                state.startedByEngine(action.node(), state.clock().instant());
            }
            if (action.kind() == ActionKind.MOVE_ASIDE) {
                Action.MoveAside moveAside = (Action.MoveAside) action;
                recovery.markBackedUp(moveAside.node(), moveAside.artifact());
            }
        }
        return result;
    }
}
