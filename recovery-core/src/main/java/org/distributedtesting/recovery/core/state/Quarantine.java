package org.distributedtesting.recovery.core.state;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.core.report.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the engine gives up instead of looping, and how a node comes back: escalation (the alert, and quarantine of
 * the failure's nodes) when a recovery has spent its nodes' attempts, has no rung that applies or has been held back
 * by the guards too long; release once a quarantined node has stayed healthy or an operator says so; and the
 * half-open state of a circuit breaker, one more attempt after {@code quarantine_retry_after}.
 *
 * <p>Not thread-safe; the engine's cycle lock guards it.
 */
public final class Quarantine {

    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);

    private final EngineState state;
    private final Recoveries recoveries;
    private final EventSink sink;
    private final RecoveryOptions options;

    /**
     * @param state      the engine's memory of the nodes
     * @param recoveries the recoveries in progress
     * @param sink       where events go
     */
    public Quarantine(EngineState state, Recoveries recoveries, EventSink sink) {
        this.state = Objects.requireNonNull(state, "state");
        this.recoveries = Objects.requireNonNull(recoveries, "recoveries");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.options = state.options();
    }

    /** The reason given when a recovery's nodes have spent their attempts: the count, and why the last one failed. */
    public String attemptsSpent(ActiveRecovery recovery) {
        String last = recovery.nodes().stream().map(n -> state.ledger(n).lastFailure(recovery.failure().type()))
                .filter(Objects::nonNull).findFirst().map(why -> "; the last attempt: " + why).orElse("");
        FailureType type = recovery.failure().type();
        Instant now = state.clock().instant();
        String span = recovery.nodes().stream().map(n -> state.ledger(n).firstAttempt(type)).filter(Objects::nonNull)
                .min(Instant::compareTo).map(first -> " over " + Duration.between(first, now).toSeconds() + " s")
                .orElse("");
        // the count starts over only after a whole restart_cooldown of health: the attempts may span far more
        return "max_restart_attempts (" + options.maxRestartAttempts() + ") reached: " + attempts(recovery)
                + " attempts" + span + ", with no healthy restart_cooldown (" + options.restartCooldown().toSeconds()
                + " s) between them" + last;
    }

    /** The most attempts any of the recovery's nodes has made for its failure type. */
    public int attempts(ActiveRecovery recovery) {
        return recovery.nodes().stream().mapToInt(n -> state.ledger(n).attempts(recovery.failure().type())).max()
                .orElse(0);
    }

    /**
     * Escalates at once the recovery whose failed rung spent the last attempt of its nodes, so that the alert names
     * the failure that ran out of attempts, not another failure of the same node that comes next in the cycle.
     *
     * @return the failure escalated, or empty when attempts are left
     */
    public Optional<Failure> escalateIfAttemptsSpent(ActiveRecovery recovery, Instant now) {
        if (attempts(recovery) >= options.maxRestartAttempts()) {
            return Optional.of(escalate(recovery, attemptsSpent(recovery), now));
        }
        return Optional.empty();
    }

    /**
     * Gives up on a recovery: the alert, quarantine of its nodes, and the recovery is forgotten.
     *
     * @return the failure escalated
     */
    public Failure escalate(ActiveRecovery recovery, String reason, Instant now) {
        Failure failure = recovery.failure();
        sink.emit(new RecoveryEvent.Escalated(now, failure, failure.nodes(), reason));
        for (NodeId node : failure.nodes()) {
            state.ledger(node).quarantine(now);
            sink.emit(new RecoveryEvent.NodeQuarantined(now, node, failure, reason));
        }
        LOG.error("ALERT: gave up recovering {} and quarantined {}: {}", failure.key(), failure.nodes(), reason);
        recoveries.end(recovery);
        return failure;
    }

    /**
     * Starts a cycle's bookkeeping of health: a quarantined node whose retry time has come is half-open, a node no
     * failure names is healthy (its attempts start over after a whole {@code restart_cooldown}), and a quarantined
     * node healthy for that long is released.
     */
    public void updateHealth(Instant now) {
        for (Map.Entry<NodeId, NodeLedger> e : state.ledgers().entrySet()) {
            NodeId node = e.getKey();
            NodeLedger ledger = e.getValue();
            halfOpen(node, ledger, now);
            if (state.suspect(node)) {
                ledger.unhealthy();
                continue;
            }
            ledger.healthy(now, options.restartCooldown());
            if (ledger.quarantined() && ledger.healthyFor(now).compareTo(options.restartCooldown()) >= 0) {
                ledger.release();
                sink.emit(new RecoveryEvent.NodeReleased(now, node,
                        "healthy for " + options.restartCooldown().toSeconds() + " s"));
                LOG.info("released '{}' from quarantine: healthy again", node);
            }
        }
    }

    private void halfOpen(NodeId node, NodeLedger ledger, Instant now) {
        Duration retry = options.quarantineRetryAfter();
        if (!ledger.quarantined() || retry.isZero() || now.isBefore(ledger.quarantinedAt().plus(retry))) {
            return;
        }
        ledger.halfOpen(options.maxRestartAttempts());
        sink.emit(new RecoveryEvent.NodeHalfOpen(now, node,
                "quarantined for " + retry.toSeconds() + " s (quarantine_retry_after): one more attempt"));
        LOG.info("'{}' half-open after {} s in quarantine: one more attempt allowed", node, retry.toSeconds());
    }

    /**
     * An operator releases a quarantined node with a fresh attempt budget; journaled.
     *
     * @return whether it was quarantined
     * @throws IllegalArgumentException if the node is not in the cluster
     */
    public boolean release(NodeId node) {
        NodeLedger ledger = state.ledger(node);
        if (!ledger.quarantined()) {
            return false;
        }
        ledger.release();
        ledger.resetAttempts();
        sink.emit(new RecoveryEvent.NodeReleased(state.clock().instant(), node, "released by the operator"));
        return true;
    }
}
