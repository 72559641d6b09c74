package org.distributedtesting.recovery.core.alert;

import java.util.Optional;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.config.AlertsConfig.Events;

/**
 * Which events a sink is told of: its level ({@code escalations} &lt; {@code failures} &lt; {@code actions}) and the
 * least severity of the failures it hears about.
 *
 * @param level       the level
 * @param minSeverity failures below it are not sent; events about no failure (a node released) always pass
 */
record Subscription(Events level, Severity minSeverity) {

    /** Whether the sink wants this event. */
    boolean wants(RecoveryEvent event) {
        Events needed = switch (event.kind()) {
            case ESCALATED, NODE_QUARANTINED, NODE_HALF_OPEN, NODE_RELEASED -> Events.ESCALATIONS;
            case FAILURE_CONFIRMED, RECOVERY_VERIFIED, FAILURE_CLEARED, ACTION_BUDGET_EXHAUSTED, ROLE_CHANGED ->
                    Events.FAILURES;
            case ACTION_TAKEN, RUNG_ATTEMPTED, RUNG_FAILED, RECOVERY_DEFERRED, RECOVERY_PREEMPTED, NODE_STARTED ->
                    Events.ACTIONS;
            case CYCLE_COMPLETED -> null;
        };
        if (needed == null || level.compareTo(needed) < 0) {
            return false;
        }
        return failure(event).map(f -> f.severity().compareTo(minSeverity) >= 0).orElse(true);
    }

    /** The id of the failure whose recovery an event ends (verified or cleared), if it ends one. */
    static Optional<String> ended(RecoveryEvent event) {
        return switch (event.kind()) {
            case RECOVERY_VERIFIED -> Optional.of(((RecoveryEvent.RecoveryVerified) event).failure().key());
            case FAILURE_CLEARED -> Optional.of(((RecoveryEvent.FailureCleared) event).failure().key());
            default -> Optional.empty();
        };
    }

    /** The failure an event is about, if any. */
    static Optional<Failure> failure(RecoveryEvent event) {
        return Optional.ofNullable(switch (event.kind()) {
            case FAILURE_CONFIRMED -> ((RecoveryEvent.FailureConfirmed) event).failure();
            case RUNG_ATTEMPTED -> ((RecoveryEvent.RungAttempted) event).failure();
            case ACTION_TAKEN -> ((RecoveryEvent.ActionTaken) event).failure();
            case RECOVERY_VERIFIED -> ((RecoveryEvent.RecoveryVerified) event).failure();
            case RUNG_FAILED -> ((RecoveryEvent.RungFailed) event).failure();
            case RECOVERY_DEFERRED -> ((RecoveryEvent.RecoveryDeferred) event).failure();
            case RECOVERY_PREEMPTED -> ((RecoveryEvent.RecoveryPreempted) event).failure();
            case FAILURE_CLEARED -> ((RecoveryEvent.FailureCleared) event).failure();
            case ESCALATED -> ((RecoveryEvent.Escalated) event).failure();
            case NODE_QUARANTINED -> ((RecoveryEvent.NodeQuarantined) event).failure();
            case ACTION_BUDGET_EXHAUSTED -> ((RecoveryEvent.ActionBudgetExhausted) event).failure();
            case NODE_HALF_OPEN, NODE_RELEASED, NODE_STARTED, ROLE_CHANGED, CYCLE_COMPLETED -> null;
        });
    }
}
