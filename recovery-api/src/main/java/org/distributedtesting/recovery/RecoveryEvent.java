package org.distributedtesting.recovery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the engine tells {@link RecoveryListener}s, in the order it happens. Sealed: a listener's {@code switch}
 * without {@code default} stops compiling when a new event is added.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface RecoveryEvent {

    /** When it happened, by the engine's clock. */
    Instant at();

    /**
     * A failure was seen in enough consecutive cycles to act on.
     *
     * @param at            when
     * @param failure       the failure
     * @param confirmations in how many consecutive cycles it was seen
     */
    record FailureConfirmed(Instant at, Failure failure, int confirmations) implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public FailureConfirmed {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(failure, "failure");
        }
    }

    /**
     * A rung ran.
     *
     * @param at       when
     * @param failure  the failure
     * @param rung     the rung's name
     * @param attempt  the attempt number on the failure's nodes
     * @param result   what it did
     */
    record RungAttempted(Instant at, Failure failure, String rung, int attempt, RungResult result)
            implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public RungAttempted {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(rung, "rung");
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * An action went through the guards.
     *
     * @param at      when
     * @param failure the failure it was for
     * @param action  the action
     * @param result  what came of it
     */
    record ActionTaken(Instant at, Failure failure, Action action, ActionResult result) implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public ActionTaken {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(result, "result");
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
    }

    /**
     * Recovery gave up: the attempt or action budget is spent. The nodes are quarantined (no more actions) and
     * people must look. This is the alert.
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
    }

    /**
     * A confirmed failure disappeared before any rung acted (a transient fault).
     *
     * @param at      when
     * @param failure the failure
     */
    record FailureCleared(Instant at, Failure failure) implements RecoveryEvent {
        /** @throws NullPointerException if any argument is null */
        public FailureCleared {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(failure, "failure");
        }
    }

    /**
     * A cycle ended.
     *
     * @param at       when it ended
     * @param snapshot what it saw
     * @param failures the failures detected in it (confirmed or not)
     * @param elapsed  its wall time
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
    }
}
