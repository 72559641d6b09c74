package org.distributedtesting.recovery.core.act;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.core.guard.Guards;
import org.distributedtesting.recovery.core.probe.ProbeRunner;
import org.distributedtesting.recovery.core.report.EventSink;
import org.distributedtesting.recovery.core.state.ActiveRecovery;
import org.distributedtesting.recovery.core.state.EngineState;
import org.distributedtesting.recovery.core.state.Quarantine;
import org.distributedtesting.recovery.core.state.Recoveries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The act stage: runs the current rung of a recovery's ladder in a {@link GuardedContext}, and moves the recovery on
 * by what the rung did. Acted: it awaits verification (or, in a dry run, it is planned). Skipped: the next rung runs
 * at once, and past the last rung the failure is escalated (a ladder resumed above its first rung for a failure that
 * came back first goes back to its first rung, once: only when no rung at all applies is it escalated). Failed: an
 * attempt is spent and the next attempt climbs.
 * Held back by a guard that means "not now": it waits without spending an attempt, and escalates when held back
 * longer than {@code verify_timeout} x {@code max_restart_attempts}.
 *
 * <p>Not thread-safe; the engine's cycle lock guards it.
 */
public final class LadderRunner {

    private static final Logger LOG = LoggerFactory.getLogger(LadderRunner.class);

    private final EngineState state;
    private final Recoveries recoveries;
    private final Quarantine quarantine;
    private final Guards guards;
    private final NodeControl control;
    private final ProbeRunner probes;
    private final EventSink sink;
    private final RecoveryOptions options;

    /**
     * @param state      the engine's memory of the nodes
     * @param recoveries the recoveries in progress
     * @param quarantine escalation
     * @param guards     the safety guards on every action
     * @param control    carries out actions
     * @param probes     probes a node for a rung that asks
     * @param sink       where events go
     */
    public LadderRunner(EngineState state, Recoveries recoveries, Quarantine quarantine, Guards guards,
                        NodeControl control, ProbeRunner probes, EventSink sink) {
        this.state = Objects.requireNonNull(state, "state");
        this.recoveries = Objects.requireNonNull(recoveries, "recoveries");
        this.quarantine = Objects.requireNonNull(quarantine, "quarantine");
        this.guards = Objects.requireNonNull(guards, "guards");
        this.control = Objects.requireNonNull(control, "control");
        this.probes = Objects.requireNonNull(probes, "probes");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.options = state.options();
    }

    /**
     * Runs the recovery's current rung (and the rungs above it that it skips to).
     *
     * @return the failure, if the recovery was escalated
     */
    public Optional<Failure> run(ActiveRecovery recovery, ClusterSnapshot snapshot, ClusterHistory history,
                                 Instant now) {
        Failure failure = recovery.failure();
        int attempt = quarantine.attempts(recovery) + 1;
        recoveries.hold(recovery);
        while (true) {
            int rung = recovery.rung();
            String name = recovery.rungName(rung);
            recovery.rungBegins();
            GuardedContext context = new GuardedContext(state, guards, control, probes, sink, recovery, snapshot,
                    history, rung, attempt);
            RungResult result;
            try {
                result = Objects.requireNonNull(recovery.strategy().attempt(rung, failure, context),
                        "strategy returned no rung result");
            } catch (RuntimeException e) {
                LOG.warn("strategy '{}' threw in rung '{}' for {}", recovery.strategy().name(), name, failure.key(), e);
                result = RungResult.failed("strategy threw " + ProbeRunner.describe(e));
            }
            boolean deferred = result.kind() == RungResult.Kind.FAILED && context.deferredByGuard();
            // stamped when the rung ended: its actions may have taken time, and what follows from it comes after
            Instant ended = state.clock().instant();
            sink.emit(new RecoveryEvent.RungAttempted(ended, failure, name, attempt, result,
                    recovery.strategy().rungAction(rung), deferred, options.dryRun()));
            if (deferred) {
                return defer(recovery, name, result, now);
            }
            recovery.deferredSince(null);
            switch (result.kind()) {
                case SKIPPED -> {
                    if (rung == recovery.strategy().rungs().size() - 1 && !recovery.triedEveryRung()) {
                        LOG.info("no rung above '{}' applies to {}, which came back: its ladder goes back to rung "
                                + "'{}'", recovery.rungName(rung), failure.key(), recovery.rungName(0));
                        recovery.wrapToFirstRung();
                        continue;
                    }
                    if (rung == recovery.strategy().rungs().size() - 1) {
                        recoveries.release(recovery);
                        return Optional.of(quarantine.escalate(recovery, "no rung of '" + recovery.strategy().name()
                                + "' applies: " + result.detail(), ended));
                    }
                    recovery.climb();
                }
                case ACTED -> {
                    if (options.dryRun()) {
                        recovery.markPlanned();
                        recoveries.release(recovery);
                        return Optional.empty();
                    }
                    attempted(failure, name, now);
                    recovery.awaitVerification(name, now.plus(options.verifyTimeout()));
                    return Optional.empty();
                }
                case FAILED -> {
                    attempted(failure, name, now);
                    recoveries.failRung(recovery, name, result.detail(), ended);
                    return quarantine.escalateIfAttemptsSpent(recovery, ended);
                }
            }
        }
    }

    private void attempted(Failure failure, String rung, Instant now) {
        failure.nodes().forEach(n -> state.ledger(n).attempted(failure.type(), rung, now));
    }

    /**
     * A "not now" guard (quorum, a busy node, the action budget) held the rung back: it waits without spending the
     * budget, but not forever without telling anyone.
     */
    private Optional<Failure> defer(ActiveRecovery recovery, String rung, RungResult result, Instant now) {
        recoveries.release(recovery);
        if (recovery.deferredSince() == null) {
            recovery.deferredSince(now);
        }
        Duration held = Duration.between(recovery.deferredSince(), now);
        Duration limit = options.verifyTimeout().multipliedBy(options.maxRestartAttempts());
        if (held.compareTo(limit) >= 0) {
            return Optional.of(quarantine.escalate(recovery, "held back by the engine's guards for "
                    + held.toSeconds() + " s (" + result.detail() + ")", now));
        }
        Instant retry = now.plus(max(options.backoffInitial(), options.verifyInterval()));
        recovery.failure().nodes().forEach(n -> state.ledger(n).defer(retry));
        LOG.info("rung '{}' for {} deferred by a guard until {}: {}", rung, recovery.key(), retry, result.detail());
        return Optional.empty();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
