package org.distributedtesting.recovery.core.sim;

import java.util.Locale;
import org.distributedtesting.recovery.RecoveryEvent;

/**
 * One line of text per engine event, for a scenario's trace and a failed test's report: what was confirmed, which
 * rung ran with what result, each action, verifications, failed rungs, escalations and cleared failures.
 *
 * <p>Stateless and thread-safe.
 */
public final class EventLines {

    private EventLines() {
    }

    /**
     * The event's line, without its time; null for an event a trace leaves out (a cycle's end, one per cycle, which
     * would drown the rest; pre-emptions, quarantines, releases and half-open nodes, which the journal holds).
     */
    public static String text(RecoveryEvent event) {
        return switch (event.kind()) {
            case FAILURE_CONFIRMED -> {
                RecoveryEvent.FailureConfirmed e = (RecoveryEvent.FailureConfirmed) event;
                yield "confirmed " + e.failure().key() + " after " + e.confirmations() + " cycles: "
                        + e.failure().summary();
            }
            case RUNG_ATTEMPTED -> {
                RecoveryEvent.RungAttempted e = (RecoveryEvent.RungAttempted) event;
                yield "rung '" + e.rung() + "' attempt " + e.attempt() + " for " + e.failure().key() + ": "
                        + e.result().kind().name().toLowerCase(Locale.ROOT) + ", " + e.result().detail();
            }
            case ACTION_TAKEN -> {
                RecoveryEvent.ActionTaken e = (RecoveryEvent.ActionTaken) event;
                yield "action " + e.action().name() + " on " + e.action().node() + ": " + e.result().detail();
            }
            case RECOVERY_VERIFIED -> {
                RecoveryEvent.RecoveryVerified e = (RecoveryEvent.RecoveryVerified) event;
                yield "verified " + e.failure().key() + " by rung '" + e.rung() + "'";
            }
            case RUNG_FAILED -> {
                RecoveryEvent.RungFailed e = (RecoveryEvent.RungFailed) event;
                yield "rung '" + e.rung() + "' failed for " + e.failure().key() + ": " + e.reason();
            }
            case ESCALATED -> {
                RecoveryEvent.Escalated e = (RecoveryEvent.Escalated) event;
                yield "escalated " + e.failure().key() + ", quarantined " + e.nodes() + ": " + e.reason();
            }
            case ACTION_BUDGET_EXHAUSTED -> {
                RecoveryEvent.ActionBudgetExhausted e = (RecoveryEvent.ActionBudgetExhausted) event;
                yield "escalated " + e.failure().key() + ", quarantined []: " + e.reason();
            }
            case RECOVERY_DEFERRED -> {
                RecoveryEvent.RecoveryDeferred e = (RecoveryEvent.RecoveryDeferred) event;
                yield "deferred " + e.failure().key() + " by " + e.guard() + ": " + e.reason();
            }
            case FAILURE_CLEARED -> "cleared " + ((RecoveryEvent.FailureCleared) event).failure().key();
            case NODE_STARTED -> {
                RecoveryEvent.NodeStarted e = (RecoveryEvent.NodeStarted) event;
                yield "started " + e.node() + ": " + e.result().outcome().journalName() + ", " + e.result().detail();
            }
            // one per cycle, which would drown the rest; the others are in the journal
            case ROLE_CHANGED -> {
                RecoveryEvent.RoleChanged e = (RecoveryEvent.RoleChanged) event;
                yield e.instance() + " " + e.role() + (e.active() ? " at epoch " + e.epoch() : "") + ": " + e.reason();
            }
            case RECOVERY_PREEMPTED, NODE_QUARANTINED, NODE_HALF_OPEN, NODE_RELEASED, CYCLE_COMPLETED -> null;
        };
    }
}
