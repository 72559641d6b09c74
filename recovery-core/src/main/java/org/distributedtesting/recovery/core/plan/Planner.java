package org.distributedtesting.recovery.core.plan;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.core.act.LadderRunner;
import org.distributedtesting.recovery.core.detect.Damping.Tracked;
import org.distributedtesting.recovery.core.guard.Guards;
import org.distributedtesting.recovery.core.guard.Verdict;
import org.distributedtesting.recovery.core.report.EventSink;
import org.distributedtesting.recovery.core.state.ActiveRecovery;
import org.distributedtesting.recovery.core.state.EngineState;
import org.distributedtesting.recovery.core.state.Quarantine;
import org.distributedtesting.recovery.core.state.Recoveries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan stage: for a confirmed failure, asks the {@link Guards} once for a {@link Verdict} and follows it: run the
 * next rung of its strategy's ladder ({@link LadderRunner}), wait, alert that the action budget is spent, escalate,
 * or, when a node is busy with a recovery of lower precedence awaiting verification, pre-empt that one first
 * (leadership is settled first).
 *
 * <p>Not thread-safe; the engine's cycle lock guards it.
 */
public final class Planner {

    private static final Logger LOG = LoggerFactory.getLogger(Planner.class);

    /**
     * What planning one failure came to.
     *
     * @param rungRun   whether a rung of its ladder ran
     * @param escalated the failure given up on, if it was
     */
    public record Planned(boolean rungRun, Optional<Failure> escalated) {
        static final Planned NOTHING = new Planned(false, Optional.empty());
    }

    private final EngineState state;
    private final Recoveries recoveries;
    private final Quarantine quarantine;
    private final Guards guards;
    private final LadderRunner ladder;
    private final EventSink sink;

    /**
     * @param state      the engine's memory of the nodes
     * @param recoveries the recoveries in progress
     * @param quarantine escalation
     * @param guards     the safety guards
     * @param ladder     runs a rung
     * @param sink       where events go
     */
    public Planner(EngineState state, Recoveries recoveries, Quarantine quarantine, Guards guards,
                   LadderRunner ladder, EventSink sink) {
        this.state = Objects.requireNonNull(state, "state");
        this.recoveries = Objects.requireNonNull(recoveries, "recoveries");
        this.quarantine = Objects.requireNonNull(quarantine, "quarantine");
        this.guards = Objects.requireNonNull(guards, "guards");
        this.ladder = Objects.requireNonNull(ladder, "ladder");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Plans one confirmed failure, and runs its next rung when every guard agrees.
     *
     * @param tracks whether a failure key is still detected in this cycle
     */
    public Planned plan(Tracked confirmed, ClusterSnapshot snapshot, ClusterHistory history, Predicate<String> tracks,
                        Instant now) {
        ActiveRecovery recovery = recoveries.open(confirmed.failure(), confirmed.strategy(), confirmed.firstSeen());
        if (recovery.awaitingVerification() || recovery.planned()) {
            return Planned.NOTHING;
        }
        Verdict verdict = guards.beforeRung(recovery, snapshot, now);
        // each pre-emption frees at least one node of the failure, so this asks at most once more per node
        for (int i = 0; i < recovery.nodes().size() && verdict instanceof Verdict.Busy busy
                && preempt(recoveries.get(busy.holder()), recovery, tracks, now); i++) {
            verdict = guards.beforeRung(recovery, snapshot, now);
        }
        if (verdict instanceof Verdict.Act) {
            recovery.heldBy(null);
            return new Planned(true, ladder.run(recovery, snapshot, history, now));
        }
        if (verdict instanceof Verdict.Escalate escalate) {
            return new Planned(false, Optional.of(quarantine.escalate(recovery, escalate.reason(), now)));
        }
        if (verdict instanceof Verdict.BudgetSpent spent) {
            if (state.budgetAlertDue(now)) {
                sink.emit(new RecoveryEvent.ActionBudgetExhausted(now, recovery.failure(), spent.reason()));
                LOG.error("ALERT: {}", spent.reason());
            }
            held(recovery, Guards.ACTION_BUDGET, spent.reason(), Optional.empty(), now);
        } else if (verdict instanceof Verdict.Busy busy) {
            held(recovery, Guards.ONE_RECOVERY_PER_NODE, "node '" + busy.node() + "' is being recovered from "
                    + busy.holder(), Optional.empty(), now);
        } else if (verdict instanceof Verdict.Wait wait) {
            held(recovery, wait.guard(), wait.reason(), Optional.of(wait.until()), now);
        }
        return Planned.NOTHING;
    }

    /** A guard holds the recovery back: told once when the hold begins, and again if another guard takes over. */
    private void held(ActiveRecovery recovery, String guard, String reason, Optional<Instant> until, Instant now) {
        if (guard.equals(recovery.heldBy())) {
            LOG.debug("deferred {}: {}", recovery.key(), reason);
            return;
        }
        recovery.heldBy(guard);
        sink.emit(new RecoveryEvent.RecoveryDeferred(now, recovery.failure(), guard, reason, until));
        LOG.info("{} held back by {}{}: {}", recovery.key(), guard, until.map(u -> " until " + u).orElse(""),
                reason);
    }

    /**
     * Leadership is settled first: a confirmed failure of higher precedence takes a node from a recovery of lower
     * precedence that is waiting for verification. The lower one keeps its place on its ladder and its attempts,
     * and runs again once the node is free, unless its failure is gone meanwhile (then it is cleared).
     *
     * @return whether the holder let go of its nodes
     */
    private boolean preempt(ActiveRecovery holder, ActiveRecovery challenger, Predicate<String> tracks, Instant now) {
        if (holder == null || challenger.failure().type().compareTo(holder.failure().type()) >= 0) {
            return false;
        }
        holder.verificationEnded();
        recoveries.release(holder);
        sink.emit(new RecoveryEvent.RecoveryPreempted(now, holder.failure(), challenger.failure(),
                challenger.failure().type() + " is settled before " + holder.failure().type()));
        LOG.info("{} preempted by {}", holder.key(), challenger.key());
        recoveries.clearIfGone(holder, tracks, now);
        return true;
    }
}
