package org.distributedtesting.recovery.core.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.core.internal.FailureTracker.Detected;
import org.distributedtesting.recovery.core.internal.FailureTracker.Tracked;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner and the ladder, run once per cycle after the detectors: verify the rungs awaiting verification,
 * confirm failures (damping), then for each confirmed failure in precedence order apply the guards (quarantine,
 * one recovery per node, cooldown, attempt budget, backoff, global action budget) and run the current rung of its
 * strategy's ladder.
 *
 * <p>Not thread-safe; the engine's cycle lock guards it.
 */
public final class RecoveryLoop {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryLoop.class);

    /** What one pass of the loop did. */
    public record Outcome(List<Failure> verified, List<Failure> escalated, int rungsRun, int awaitingVerification,
                          List<Failure> deferred) {
    }

    private final EngineState state;
    private final FailureTracker tracker = new FailureTracker();
    private final RecoveryOptions options;
    private final Escalations escalations;

    /** @param state the engine's memory */
    public RecoveryLoop(EngineState state) {
        this.state = Objects.requireNonNull(state, "state");
        this.options = state.options;
        this.escalations = new Escalations(state);
    }

    /** Runs the loop over one cycle's snapshot and detections. */
    public Outcome run(ClusterSnapshot snapshot, ClusterHistory history, List<Detected> detected) {
        Instant now = state.clock.instant();
        List<Failure> verified = new ArrayList<>();
        List<Failure> escalated = new ArrayList<>();
        List<Failure> deferred = new ArrayList<>();
        state.suspect.clear();
        detected.forEach(d -> state.suspect.addAll(d.failure().nodes()));
        updateHealth(now);
        verify(snapshot, history, now, verified, escalated);
        for (Tracked gone : tracker.update(detected, now)) {
            cleared(gone, now);
        }
        int rungs = 0;
        for (Tracked tracked : tracker.inPrecedenceOrder()) {
            if (!tracked.confirmed(options.confirmations())) {
                continue;
            }
            Failure failure = tracked.failure();
            if (!tracked.announced()) {
                tracked.announce();
                Map<String, Object> details = EventSink.describe(failure);
                details.put("confirmations", tracked.consecutive());
                details.put("first_seen", tracked.firstSeen().toString());
                state.sink.journal(new JournalRecord(now, "failure_detected", details));
                state.sink.publish(new RecoveryEvent.FailureConfirmed(now, failure, tracked.consecutive()));
                LOG.info("confirmed {} after {} cycles: {}", failure.key(), tracked.consecutive(), failure.summary());
            }
            ActiveRecovery recovery = state.active.computeIfAbsent(failure.key(),
                    k -> new ActiveRecovery(failure, tracked.strategy(), tracked.firstSeen()));
            recovery.failure(failure);
            String blocked = blocked(recovery, now, escalated);
            if (blocked == null) {
                rungs++;
                runLadder(recovery, snapshot, history, now, escalated);
            } else if (!blocked.isEmpty()) {
                deferred.add(failure);
                LOG.debug("deferred {}: {}", failure.key(), blocked);
            }
        }
        int awaiting = (int) state.active.values().stream().filter(ActiveRecovery::awaitingVerification).count();
        return new Outcome(verified, escalated, rungs, awaiting, deferred);
    }

    private void updateHealth(Instant now) {
        for (Map.Entry<NodeId, NodeLedger> e : state.ledgers.entrySet()) {
            NodeLedger ledger = e.getValue();
            halfOpen(e.getKey(), ledger, now);
            if (state.suspect.contains(e.getKey())) {
                ledger.unhealthy();
                continue;
            }
            ledger.healthy(now, options.restartCooldown());
            if (ledger.quarantined() && ledger.healthyFor(now).compareTo(options.restartCooldown()) >= 0) {
                ledger.release();
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("node", e.getKey().value());
                details.put("reason", "healthy for " + options.restartCooldown().toSeconds() + " s");
                state.sink.journal(new JournalRecord(now, "node_released", details));
                LOG.info("released '{}' from quarantine: healthy again", e.getKey());
            }
        }
    }

    /** The circuit breaker's half-open state: a quarantined node gets one more attempt after a while. */
    private void halfOpen(NodeId node, NodeLedger ledger, Instant now) {
        Duration retry = options.quarantineRetryAfter();
        if (!ledger.quarantined() || retry.isZero() || now.isBefore(ledger.quarantinedAt().plus(retry))) {
            return;
        }
        ledger.halfOpen(options.maxRestartAttempts());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("node", node.value());
        details.put("reason", "quarantined for " + retry.toSeconds() + " s (quarantine_retry_after): one more attempt");
        state.sink.journal(new JournalRecord(now, "node_half_open", details));
        LOG.info("'{}' half-open after {} s in quarantine: one more attempt allowed", node, retry.toSeconds());
    }

    private void verify(ClusterSnapshot snapshot, ClusterHistory history, Instant now, List<Failure> verified,
                        List<Failure> escalated) {
        for (ActiveRecovery recovery : List.copyOf(state.active.values())) {
            if (!recovery.awaitingVerification()) {
                continue;
            }
            boolean resolved;
            try {
                resolved = recovery.strategy().isResolved(recovery.failure(), snapshot, history);
            } catch (RuntimeException e) {
                LOG.warn("strategy '{}' failed to verify {}", recovery.strategy().name(), recovery.key(), e);
                resolved = false;
            }
            if (resolved) {
                Duration took = Duration.between(recovery.firstSeen(), now);
                Map<String, Object> details = EventSink.describe(recovery.failure());
                details.put("rung", recovery.actedRung());
                details.put("outcome", "recovered");
                details.put("time_to_recover_ms", took.toMillis());
                state.sink.journal(new JournalRecord(now, "recovery_verified", details));
                state.sink.publish(new RecoveryEvent.RecoveryVerified(now, recovery.failure(), recovery.actedRung(),
                        took));
                LOG.info("verified recovery of {} by rung '{}' after {} ms", recovery.key(), recovery.actedRung(),
                        took.toMillis());
                for (NodeId node : recovery.nodes()) {
                    state.ledger(node).cooldown(now.plus(options.nodeCooldown()));
                    state.ledger(node).busyWith(null);
                }
                state.active.remove(recovery.key());
                tracker.forget(recovery.key());
                verified.add(recovery.failure());
            } else if (!now.isBefore(recovery.verifyDeadline())) {
                rungFailed(recovery, recovery.actedRung(), "still failing " + options.verifyTimeout().toSeconds()
                        + " s after the rung acted (verify_timeout)", now);
                recovery.verificationEnded();
                release(recovery);
                recovery.climb();
                if (!clearIfGone(recovery, now)) {
                    escalations.ifAttemptsSpent(recovery, now, escalated);
                }
            }
        }
    }

    private void cleared(Tracked gone, Instant now) {
        ActiveRecovery recovery = state.active.get(gone.failure().key());
        if (recovery != null && recovery.awaitingVerification()) {
            return; // the verification step decides
        }
        if (recovery != null) {
            state.active.remove(recovery.key());
        }
        if (gone.announced()) {
            Map<String, Object> details = EventSink.describe(gone.failure());
            details.put("outcome", recovery != null && recovery.planned() ? "planned_only" : "cleared");
            state.sink.journal(new JournalRecord(now, "failure_cleared", details));
            state.sink.publish(new RecoveryEvent.FailureCleared(now, gone.failure()));
            LOG.info("{} cleared", gone.failure().key());
        }
    }

    /** Why a confirmed failure is not acted on now: null to act, "" when silently waiting, else the reason. */
    private String blocked(ActiveRecovery recovery, Instant now, List<Failure> escalated) {
        if (recovery.awaitingVerification() || recovery.planned()) {
            return "";
        }
        Failure failure = recovery.failure();
        int attempts = 0;
        Instant next = null;
        for (NodeId node : failure.nodes()) {
            NodeLedger ledger = state.ledger(node);
            if (ledger.quarantined()) {
                return "";
            }
            if (ledger.busyWith() != null && !ledger.busyWith().equals(recovery.key())
                    && !preempt(state.active.get(ledger.busyWith()), recovery, now)) {
                return "node '" + node + "' is being recovered from " + ledger.busyWith();
            }
            if (!failure.immediate() && ledger.cooldownUntil() != null && now.isBefore(ledger.cooldownUntil())) {
                return "node '" + node + "' cools down until " + ledger.cooldownUntil();
            }
            attempts = Math.max(attempts, ledger.attempts(failure.type()));
            Instant allowed = ledger.nextAttemptAllowed(failure.type(), options);
            if (allowed != null && (next == null || allowed.isAfter(next))) {
                next = allowed;
            }
        }
        if (attempts >= options.maxRestartAttempts()) {
            escalations.escalate(recovery, escalations.attemptsSpent(), now, escalated);
            return "";
        }
        if (next != null && now.isBefore(next) && !failure.immediate()) {
            return "backoff until " + next;
        }
        if (state.actionsInWindow(now) >= options.actionBudget()) {
            escalations.budgetSpent(failure, now);
            return "global action budget spent";
        }
        return null;
    }

    /**
     * Leadership is settled first: a confirmed failure of higher precedence takes a node from a recovery of lower
     * precedence that is waiting for verification. The lower one keeps its place on its ladder and its attempts,
     * and runs again once the node is free.
     */
    private boolean preempt(ActiveRecovery holder, ActiveRecovery challenger, Instant now) {
        if (holder == null || challenger.failure().type().compareTo(holder.failure().type()) >= 0) {
            return false;
        }
        holder.verificationEnded();
        release(holder);
        Map<String, Object> details = EventSink.describe(holder.failure());
        details.put("preempted_by", challenger.key());
        details.put("reason", challenger.failure().type() + " is settled before " + holder.failure().type());
        state.sink.journal(new JournalRecord(now, "recovery_preempted", details));
        LOG.info("{} preempted by {}", holder.key(), challenger.key());
        clearIfGone(holder, now);
        return true;
    }

    /**
     * A recovery whose verification ended unresolved (timed out, or preempted) after its failure had stopped being
     * detected (the verification was to decide): nothing is left to recover, so the failure is cleared. Left in
     * place, the recovery would wait for ever, and a later failure of the same key would inherit its rung.
     *
     * @return whether it was cleared
     */
    private boolean clearIfGone(ActiveRecovery recovery, Instant now) {
        if (tracker.get(recovery.key()) != null) {
            return false;
        }
        state.active.remove(recovery.key());
        Map<String, Object> details = EventSink.describe(recovery.failure());
        details.put("outcome", "cleared");
        details.put("reason", "no longer detected when its verification ended");
        if (recovery.actedRung() != null) {
            details.put("after_rung", recovery.actedRung());
        }
        state.sink.journal(new JournalRecord(now, "failure_cleared", details));
        state.sink.publish(new RecoveryEvent.FailureCleared(now, recovery.failure()));
        LOG.info("{} cleared: no longer detected when its verification ended", recovery.key());
        return true;
    }

    private void runLadder(ActiveRecovery recovery, ClusterSnapshot snapshot, ClusterHistory history, Instant now,
                           List<Failure> escalated) {
        Failure failure = recovery.failure();
        int attempt = failure.nodes().stream().mapToInt(n -> state.ledger(n).attempts(failure.type())).max()
                .orElse(0) + 1;
        failure.nodes().forEach(n -> state.ledger(n).busyWith(recovery.key()));
        while (true) {
            int rung = recovery.rung();
            String name = recovery.rungName(rung);
            GuardedContext context = new GuardedContext(state, recovery, snapshot, history, rung, attempt);
            RungResult result;
            try {
                result = Objects.requireNonNull(recovery.strategy().attempt(rung, failure, context),
                        "strategy returned no rung result");
            } catch (RuntimeException e) {
                LOG.warn("strategy '{}' threw in rung '{}' for {}", recovery.strategy().name(), name, failure.key(), e);
                result = RungResult.failed("strategy threw " + ProbeRunner.describe(e));
            }
            boolean deferred = result instanceof RungResult.Failed && context.deferredByGuard();
            journalRung(recovery, name, attempt, result, deferred);
            if (deferred) {
                // a "not now" guard (quorum, a busy node, the action budget): wait without spending the budget,
                // but not forever without telling anyone
                release(recovery);
                if (recovery.deferredSince() == null) {
                    recovery.deferredSince(now);
                }
                Duration held = Duration.between(recovery.deferredSince(), now);
                Duration limit = options.verifyTimeout().multipliedBy(options.maxRestartAttempts());
                if (held.compareTo(limit) >= 0) {
                    escalations.escalate(recovery, "held back by the engine's guards for " + held.toSeconds()
                            + " s (" + result.detail() + ")", now, escalated);
                    return;
                }
                Instant retry = now.plus(max(options.backoffInitial(), options.verifyInterval()));
                failure.nodes().forEach(n -> state.ledger(n).defer(retry));
                LOG.info("rung '{}' for {} deferred by a guard until {}: {}", name, failure.key(), retry,
                        result.detail());
                return;
            }
            recovery.deferredSince(null);
            if (result instanceof RungResult.Skipped) {
                if (rung == recovery.strategy().rungs().size() - 1) {
                    release(recovery);
                    escalations.escalate(recovery, "no rung of '" + recovery.strategy().name() + "' applies: "
                            + result.detail(), now, escalated);
                    return;
                }
                recovery.climb();
                continue;
            }
            if (result instanceof RungResult.Acted && context.dryRun()) {
                recovery.planned(true);
                release(recovery);
                return;
            }
            failure.nodes().forEach(n -> state.ledger(n).attempted(failure.type(), now));
            if (result instanceof RungResult.Acted) {
                recovery.awaitVerification(name, now.plus(options.verifyTimeout()));
            } else {
                rungFailed(recovery, name, result.detail(), now);
                release(recovery);
                recovery.climb();
                escalations.ifAttemptsSpent(recovery, now, escalated);
            }
            return;
        }
    }

    private void journalRung(ActiveRecovery recovery, String rung, int attempt, RungResult result, boolean deferred) {
        Instant now = state.clock.instant();
        Map<String, Object> details = EventSink.describe(recovery.failure());
        details.put("rung", rung);
        details.put("attempt", attempt);
        details.put("outcome", result instanceof RungResult.Acted ? "acted"
                : result instanceof RungResult.Skipped ? "skipped" : deferred ? "deferred" : "failed");
        details.put("detail", result.detail());
        if (state.options.dryRun()) {
            details.put("dry_run", true);
        }
        String action = state.options.dryRun() ? "recovery_planned" : recovery.strategy().rungAction(recovery.rung());
        state.sink.journal(new JournalRecord(now, action, details));
        state.sink.publish(new RecoveryEvent.RungAttempted(now, recovery.failure(), rung, attempt, result));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private void rungFailed(ActiveRecovery recovery, String rung, String reason, Instant now) {
        Map<String, Object> details = EventSink.describe(recovery.failure());
        details.put("rung", rung);
        details.put("outcome", "failed");
        details.put("reason", reason);
        state.sink.journal(new JournalRecord(now, "recovery_rung_failed", details));
        state.sink.publish(new RecoveryEvent.RungFailed(now, recovery.failure(), rung, reason));
        LOG.warn("rung '{}' did not recover {}: {}", rung, recovery.key(), reason);
    }

    private void release(ActiveRecovery recovery) {
        for (NodeId node : recovery.nodes()) {
            if (recovery.key().equals(state.ledger(node).busyWith())) {
                state.ledger(node).busyWith(null);
            }
        }
        recovery.disrupted().clear();
    }
}
