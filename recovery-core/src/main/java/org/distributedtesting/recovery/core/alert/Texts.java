package org.distributedtesting.recovery.core.alert;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.core.http.NodeText;

/**
 * What a notification says, for a person: a title and a line per event. Text a node reported (a summary, a detail) is
 * escaped and cut, as on the timeline.
 *
 * <p>Stateless and thread-safe.
 */
final class Texts {

    /** The longest piece of node-reported text a notification quotes. */
    static final int MAX_QUOTED = 400;

    private Texts() {
    }

    /** A title and a body, or empty for an event a person need not read. */
    record Text(String title, String body) {
    }

    static Optional<Text> of(RecoveryEvent event) {
        return Optional.ofNullable(switch (event.kind()) {
            case FAILURE_CONFIRMED -> {
                var e = (RecoveryEvent.FailureConfirmed) event;
                yield new Text("Failure detected: " + what(e.failure()), quote(e.failure().summary()));
            }
            case RECOVERY_VERIFIED -> {
                var e = (RecoveryEvent.RecoveryVerified) event;
                yield new Text("Recovered: " + what(e.failure()), "by '" + e.rung() + "' "
                        + seconds(e.sinceDetected()) + " after it was first seen");
            }
            case FAILURE_CLEARED -> {
                var e = (RecoveryEvent.FailureCleared) event;
                yield new Text("Cleared: " + what(e.failure()), e.reason().map(Texts::quote)
                        .orElse("no longer detected") + e.afterRung().map(r -> " (after '" + r + "')").orElse(""));
            }
            case ESCALATED -> {
                var e = (RecoveryEvent.Escalated) event;
                yield new Text("ESCALATED: " + what(e.failure()), "recovery gave up and quarantined " + names(e.nodes())
                        + ": " + quote(e.reason()) + ". People must look.");
            }
            case NODE_QUARANTINED -> {
                var e = (RecoveryEvent.NodeQuarantined) event;
                yield new Text("Quarantined: " + e.node(), quote(e.reason()));
            }
            case NODE_HALF_OPEN -> {
                var e = (RecoveryEvent.NodeHalfOpen) event;
                yield new Text("One more attempt: " + e.node(), quote(e.reason()));
            }
            case NODE_RELEASED -> {
                var e = (RecoveryEvent.NodeReleased) event;
                yield new Text("Released: " + e.node(), quote(e.reason()));
            }
            case ACTION_BUDGET_EXHAUSTED -> {
                var e = (RecoveryEvent.ActionBudgetExhausted) event;
                yield new Text("Action budget spent", quote(e.reason()));
            }
            case ROLE_CHANGED -> {
                var e = (RecoveryEvent.RoleChanged) event;
                yield new Text((e.active() ? "Active: " : "Standby: ") + quote(e.instance())
                        + (e.active() ? " (epoch " + e.epoch() + ")" : ""), quote(e.reason()));
            }
            case ACTION_TAKEN -> {
                var e = (RecoveryEvent.ActionTaken) event;
                yield new Text("Action " + e.action().name() + " on " + e.action().node() + ": "
                        + e.result().outcome().journalName(), quote(e.result().detail()) + " (for "
                        + what(e.failure()) + ", rung '" + e.rung() + "' attempt " + e.attempt() + ")");
            }
            case RUNG_FAILED -> {
                var e = (RecoveryEvent.RungFailed) event;
                yield new Text("Rung failed: '" + e.rung() + "' for " + what(e.failure()), quote(e.reason()));
            }
            case NODE_STARTED -> {
                var e = (RecoveryEvent.NodeStarted) event;
                yield new Text("Started " + e.node() + ": " + e.result().outcome().journalName(),
                        quote(e.result().detail()) + " (" + quote(e.reason()) + ")");
            }
            case RUNG_ATTEMPTED, RECOVERY_DEFERRED, RECOVERY_PREEMPTED, CYCLE_COMPLETED -> null;
        });
    }

    /** {@code process_crash on node-2}. */
    static String what(Failure failure) {
        return failure.type().name() + " on " + names(failure.nodes());
    }

    static String names(List<NodeId> nodes) {
        return String.join(", ", nodes.stream().map(NodeId::value).toList());
    }

    static String quote(String text) {
        return NodeText.printable(text, MAX_QUOTED);
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
