package org.distributedtesting.recovery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the engine decided, in the order it happened: the one vocabulary of the engine. Every decision is an event,
 * and the journal record of each decision is made from its event (except {@link CycleCompleted}, which is no
 * decision and has no record), so a listener sees exactly what the journal sees.
 *
 * <p>A sealed family, and each event names its {@link Kind}: a listener {@code switch}es over {@link #kind()} in a
 * switch expression without {@code default}, so that a kind added later is a compile error wherever it is not
 * handled (Java 17 checks a switch expression over an enum for exhaustiveness; it cannot do so for a sealed
 * interface, whose pattern {@code case}s need Java 21). A switch <em>statement</em> is not checked, so use the
 * expression form, casting to the record where its fields are needed:
 *
 * <pre>{@code
 * String line = switch (event.kind()) {
 *     case FAILURE_CONFIRMED -> "confirmed " + ((RecoveryEvent.FailureConfirmed) event).failure().key();
 *     case ESCALATED -> "escalated " + ((RecoveryEvent.Escalated) event).failure().key();
 *     case CYCLE_COMPLETED -> null;
 *     ...
 * };
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface RecoveryEvent {

    /** One constant per kind of event. */
    enum Kind {
        /** {@link FailureConfirmed}. */
        FAILURE_CONFIRMED,
        /** {@link RungAttempted}. */
        RUNG_ATTEMPTED,
        /** {@link ActionTaken}. */
        ACTION_TAKEN,
        /** {@link RecoveryVerified}. */
        RECOVERY_VERIFIED,
        /** {@link RungFailed}. */
        RUNG_FAILED,
        /** {@link RecoveryDeferred}. */
        RECOVERY_DEFERRED,
        /** {@link RecoveryPreempted}. */
        RECOVERY_PREEMPTED,
        /** {@link FailureCleared}. */
        FAILURE_CLEARED,
        /** {@link Escalated}. */
        ESCALATED,
        /** {@link NodeQuarantined}. */
        NODE_QUARANTINED,
        /** {@link NodeHalfOpen}. */
        NODE_HALF_OPEN,
        /** {@link NodeReleased}. */
        NODE_RELEASED,
        /** {@link ActionBudgetExhausted}. */
        ACTION_BUDGET_EXHAUSTED,
        /** {@link NodeStarted}. */
        NODE_STARTED,
        /** {@link RoleChanged}. */
        ROLE_CHANGED,
        /** {@link CycleCompleted}. */
        CYCLE_COMPLETED
    }

    /** When it happened, by the engine's clock. */
    Instant at();

    /** Which kind of event this is. */
    Kind kind();

    /**
     * A failure was seen in enough consecutive cycles to act on.
     *
     * @param at            when
     * @param failure       the failure
     * @param confirmations in how many consecutive cycles it was seen
     * @param firstSeen     when it was first seen in that run of cycles
     */
    record FailureConfirmed(Instant at, Failure failure, int confirmations, Instant firstSeen)
            implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public FailureConfirmed {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(firstSeen, "firstSeen");
        }

        @Override
        public Kind kind() {
            return Kind.FAILURE_CONFIRMED;
        }
    }

    /**
     * A rung ran.
     *
     * @param at            when
     * @param failure       the failure
     * @param rung          the rung's name
     * @param attempt       the attempt number on the failure's nodes
     * @param result        what it did
     * @param journalAction the name of the rung's journal record ({@link RecoveryStrategy#rungAction(int)}), such as
     *                      {@code recover_split_brain}; a dry run's record is {@code recovery_planned} instead
     * @param deferred      whether the rung failed only because a guard that means "not now" (the quorum budget, a
     *                      node busy with another recovery, the action budget) refused its actions before any was
     *                      carried out: it will be tried again without counting an attempt
     * @param dryRun        whether the engine runs in dry run
     */
    record RungAttempted(Instant at, Failure failure, String rung, int attempt, RungResult result,
                         String journalAction, boolean deferred, boolean dryRun) implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public RungAttempted {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(rung, "rung");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(journalAction, "journalAction");
        }

        @Override
        public Kind kind() {
            return Kind.RUNG_ATTEMPTED;
        }
    }

    /**
     * An action went through the guards.
     *
     * @param at           when
     * @param failure      the failure it was for
     * @param action       the action
     * @param result       what came of it
     * @param reason       why the strategy asked for it, in one line
     * @param rung         the rung that asked for it
     * @param attempt      the attempt number of that rung on the failure's nodes
     * @param quorumEffect what it does to the voters that are up, when the guards got as far as the quorum budget
     * @param backup       what came of the backup the engine made first, for a destructive action
     * @param dryRun       whether the engine runs in dry run
     */
    record ActionTaken(Instant at, Failure failure, Action action, ActionResult result, String reason, String rung,
                       int attempt, Optional<String> quorumEffect, Optional<String> backup, boolean dryRun)
            implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public ActionTaken {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(rung, "rung");
            Objects.requireNonNull(quorumEffect, "quorumEffect");
            Objects.requireNonNull(backup, "backup");
        }

        @Override
        public Kind kind() {
            return Kind.ACTION_TAKEN;
        }
    }

    /**
     * A re-probe showed the failure gone after a rung acted.
     *
     * @param at            when
     * @param failure       the failure
     * @param rung          the rung that fixed it
     * @param sinceDetected time from first detection to verification
     */
    record RecoveryVerified(Instant at, Failure failure, String rung, Duration sinceDetected)
            implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public RecoveryVerified {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(rung, "rung");
            Objects.requireNonNull(sinceDetected, "sinceDetected");
        }

        @Override
        public Kind kind() {
            return Kind.RECOVERY_VERIFIED;
        }
    }

    /**
     * A rung acted but the failure was still there when its verification time ran out, or the rung failed.
     *
     * @param at      when
     * @param failure the failure
     * @param rung    the rung
     * @param reason  why it counts as failed
     */
    record RungFailed(Instant at, Failure failure, String rung, String reason) implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public RungFailed {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(rung, "rung");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Kind kind() {
            return Kind.RUNG_FAILED;
        }
    }

    /**
     * A guard holds a confirmed failure's recovery back: a node it disturbed settles ({@code node_cooldown}), its
     * attempts are spaced ({@code backoff}), another recovery holds a node ({@code one_recovery_per_node}), or the
     * cluster-wide action budget is spent ({@code action_budget}). Told when the hold begins or another guard takes
     * over, not every cycle it lasts.
     *
     * @param at      when
     * @param failure the failure whose recovery waits
     * @param guard   the guard that holds it
     * @param reason  why, in one line
     * @param until   when the guard lets it go, when that is known
     */
    record RecoveryDeferred(Instant at, Failure failure, String guard, String reason, Optional<Instant> until)
            implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public RecoveryDeferred {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(guard, "guard");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(until, "until");
        }

        @Override
        public Kind kind() {
            return Kind.RECOVERY_DEFERRED;
        }
    }

    /**
     * A recovery awaiting verification gave its nodes up to a confirmed failure of higher precedence; it keeps its
     * rung and attempts and runs again once the nodes are free.
     *
     * @param at          when
     * @param failure     the failure whose recovery was pre-empted
     * @param preemptedBy the failure settled first
     * @param reason      why, in one line
     */
    record RecoveryPreempted(Instant at, Failure failure, Failure preemptedBy, String reason)
            implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public RecoveryPreempted {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(preemptedBy, "preemptedBy");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Kind kind() {
            return Kind.RECOVERY_PREEMPTED;
        }
    }

    /**
     * A confirmed failure is no longer detected and no rung's verification is left to decide: before any rung acted
     * (a transient fault), after a dry run's plan, or when a verification ended unresolved after it went away.
     *
     * @param at          when
     * @param failure     the failure
     * @param plannedOnly whether its recovery was only planned (dry run)
     * @param reason      why it counts as cleared, when more than "no longer detected" is to be said
     * @param afterRung   the rung that acted last, when one did
     */
    record FailureCleared(Instant at, Failure failure, boolean plannedOnly, Optional<String> reason,
                          Optional<String> afterRung) implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public FailureCleared {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(afterRung, "afterRung");
        }

        @Override
        public Kind kind() {
            return Kind.FAILURE_CLEARED;
        }
    }

    /**
     * Recovery gave up: the attempt budget is spent, no rung applies, or the guards held it back too long. The
     * nodes are quarantined (each with a {@link NodeQuarantined} event that follows) and people must look. This is
     * the alert.
     *
     * @param at      when
     * @param failure the failure
     * @param nodes   the nodes quarantined
     * @param reason  why
     */
    record Escalated(Instant at, Failure failure, List<NodeId> nodes, String reason) implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public Escalated {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(failure, "failure");
            nodes = List.copyOf(nodes);
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Kind kind() {
            return Kind.ESCALATED;
        }
    }

    /**
     * A node was quarantined: no action touches it until it has been healthy for {@code restart_cooldown}, an
     * operator releases it, or it is half-open after {@code quarantine_retry_after}.
     *
     * @param at      when
     * @param node    the node
     * @param failure the failure whose escalation quarantined it
     * @param reason  why
     */
    record NodeQuarantined(Instant at, NodeId node, Failure failure, String reason) implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public NodeQuarantined {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Kind kind() {
            return Kind.NODE_QUARANTINED;
        }
    }

    /**
     * A quarantined node gets one more attempt (the half-open state of a circuit breaker), and is quarantined
     * again if it fails.
     *
     * @param at     when
     * @param node   the node
     * @param reason why
     */
    record NodeHalfOpen(Instant at, NodeId node, String reason) implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public NodeHalfOpen {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Kind kind() {
            return Kind.NODE_HALF_OPEN;
        }
    }

    /**
     * A node left quarantine: it stayed healthy, or an operator released it.
     *
     * @param at     when
     * @param node   the node
     * @param reason why
     */
    record NodeReleased(Instant at, NodeId node, String reason) implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public NodeReleased {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Kind kind() {
            return Kind.NODE_RELEASED;
        }
    }

    /**
     * A node whose process was never started (its supervisor reports {@link ProcessStatus.Liveness#NOT_STARTED}) was
     * started, or its start was refused or failed. A start, not a recovery: no failure, no attempt, no cooldown.
     *
     * @param at     when
     * @param node   the node
     * @param result what the start did
     * @param reason why it was started, in a sentence
     */
    record NodeStarted(Instant at, NodeId node, ActionResult result, String reason) implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public NodeStarted {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Kind kind() {
            return Kind.NODE_STARTED;
        }
    }

    /**
     * The cluster-wide action budget is spent: recoveries wait until actions leave its window. An alert, sent at
     * most once per budget window.
     *
     * @param at      when
     * @param failure the failure that found the budget spent
     * @param reason  why
     */
    record ActionBudgetExhausted(Instant at, Failure failure, String reason) implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public ActionBudgetExhausted {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Kind kind() {
            return Kind.ACTION_BUDGET_EXHAUSTED;
        }
    }

    /**
     * This engine became the active one of several watching the cluster (it alone plans and acts, under a new
     * fencing epoch), or a standby (it detects and reports, and acts on nothing). Only an engine given a coordination
     * has roles; a lone engine is always active and never emits this.
     *
     * @param at       when the cycle saw the change
     * @param instance this engine's instance id in the coordination group
     * @param active   whether it is now the active engine
     * @param epoch    the fencing epoch it acts under when active; when standby, the last epoch it held, or 0
     * @param reason   why, in a sentence (who holds the lease, or what cut this engine off)
     */
    record RoleChanged(Instant at, String instance, boolean active, long epoch, String reason)
            implements RecoveryEvent {
        /**
         * @throws NullPointerException if any argument is null
         * @throws IllegalArgumentException if {@code epoch} is negative, or an active engine has no epoch
         */
        public RoleChanged {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(reason, "reason");
            if (epoch < 0 || active && epoch == 0) {
                throw new IllegalArgumentException("an active engine needs an epoch > 0, and no epoch is negative;"
                        + " was " + epoch);
            }
        }

        /** {@code active} or {@code standby}. */
        public String role() {
            return active ? "active" : "standby";
        }

        @Override
        public Kind kind() {
            return Kind.ROLE_CHANGED;
        }
    }

    /**
     * A cycle ended. Not a decision: it has no journal record.
     *
     * @param at       when it ended
     * @param snapshot what it saw
     * @param failures the failures detected in it (confirmed or not)
     * @param elapsed  how long it took, measured by the engine's time source: wall time by default
     *                 ({@link System#nanoTime()}), virtual time when the engine runs on a simulated cluster, so an
     *                 event stream of a simulation is the same in every run
     */
    record CycleCompleted(Instant at, ClusterSnapshot snapshot, List<Failure> failures, Duration elapsed)
            implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public CycleCompleted {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(snapshot, "snapshot");
            failures = List.copyOf(failures);
            Objects.requireNonNull(elapsed, "elapsed");
        }

        @Override
        public Kind kind() {
            return Kind.CYCLE_COMPLETED;
        }
    }
}
