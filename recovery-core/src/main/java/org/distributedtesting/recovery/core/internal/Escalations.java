package org.distributedtesting.recovery.core.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the loop gives up instead of looping: escalation (alert, quarantine of the failure's nodes) when a
 * recovery has spent its nodes' attempts, has no rung that applies or has been held back by the guards for too
 * long, and the alert when the global action budget is spent.
 *
 * <p>Not thread-safe; the engine's cycle lock guards it.
 */
final class Escalations {

    private static final Logger LOG = LoggerFactory.getLogger(Escalations.class);

    private final EngineState state;
    private final RecoveryOptions options;

    Escalations(EngineState state) {
        this.state = Objects.requireNonNull(state, "state");
        this.options = state.options;
    }

    /** The reason given when a node's attempts are spent. */
    String attemptsSpent() {
        return "max_restart_attempts (" + options.maxRestartAttempts() + ") reached within restart_cooldown ("
                + options.restartCooldown().toSeconds() + " s)";
    }

    /**
     * Escalates at once the recovery whose failed rung spent the last attempt of its nodes, so that the alert names
     * the failure that ran out of attempts, not another failure of the same node that comes next in the cycle.
     */
    void ifAttemptsSpent(ActiveRecovery recovery, Instant now, List<Failure> escalated) {
        int attempts = recovery.nodes().stream().mapToInt(n -> state.ledger(n).attempts(recovery.failure().type())).max().orElse(0);
        if (attempts >= options.maxRestartAttempts()) {
            escalate(recovery, attemptsSpent(), now, escalated);
        }
    }

    /** Gives up on a recovery: journals it, quarantines its nodes, alerts, and forgets the recovery. */
    void escalate(ActiveRecovery recovery, String reason, Instant now, List<Failure> escalated) {
        Failure failure = recovery.failure();
        Map<String, Object> details = EventSink.describe(failure);
        details.put("reason", reason);
        details.put("outcome", "escalated");
        state.sink.journal(new JournalRecord(now, "recovery_escalated", details));
        for (NodeId node : failure.nodes()) {
            state.ledger(node).quarantine(now);
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("node", node.value());
            q.put("reason", reason);
            q.put("failure_id", failure.key());
            state.sink.journal(new JournalRecord(now, "node_quarantined", q));
        }
        state.sink.publish(new RecoveryEvent.Escalated(now, failure, failure.nodes(), reason));
        LOG.error("ALERT: gave up recovering {} and quarantined {}: {}", failure.key(), failure.nodes(), reason);
        state.active.remove(recovery.key());
        escalated.add(failure);
    }

    /** Alerts, at most once per budget window, that the global action budget is spent. */
    void budgetSpent(Failure failure, Instant now) {
        if (state.budgetAlertedAt != null
                && now.isBefore(state.budgetAlertedAt.plus(options.actionBudgetWindow()))) {
            return;
        }
        state.budgetAlertedAt = now;
        String reason = "the cluster-wide budget of " + options.actionBudget() + " actions per "
                + options.actionBudgetWindow().toSeconds() + " s is spent; waiting";
        Map<String, Object> details = EventSink.describe(failure);
        details.put("reason", reason);
        state.sink.journal(new JournalRecord(now, "action_budget_exhausted", details));
        state.sink.publish(new RecoveryEvent.Escalated(now, failure, List.of(), reason));
        LOG.error("ALERT: {}", reason);
    }
}
