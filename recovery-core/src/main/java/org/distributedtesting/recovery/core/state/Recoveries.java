package org.distributedtesting.recovery.core.state;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.report.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recoveries in progress, by failure key, and the steps every stage takes with them: one is opened when its
 * failure is confirmed, its nodes are held while a rung runs and released after, a rung fails, and it ends when
 * its failure is cleared (escalation and verification end it too, in {@link Quarantine} and the verifier).
 *
 * <p>Not thread-safe; the engine's cycle lock guards it.
 */
public final class Recoveries {

    private static final Logger LOG = LoggerFactory.getLogger(Recoveries.class);

    private final EngineState state;
    private final EventSink sink;
    private final Map<String, ActiveRecovery> active = new LinkedHashMap<>();

    /**
     * @param state the engine's memory of the nodes
     * @param sink  where events go
     */
    public Recoveries(EngineState state, EventSink sink) {
        this.state = Objects.requireNonNull(state, "state");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * The recovery of a confirmed failure, opened now if there is none yet, with the failure as last detected.
     *
     * <p>A new recovery starts at the first rung, unless its failure came back: when one of its nodes still counts
     * attempts for a failure of the same type (they start over only after a whole healthy {@code restart_cooldown}),
     * the ladder resumes at the rung after the one the last attempt ran, as an OTP supervisor's restart intensity
     * escalates a child that keeps dying instead of restarting it the same way for ever. The last rung repeats.
     * The attempt budget and the backoff are the node's and go on as before.
     */
    public ActiveRecovery open(Failure failure, RecoveryStrategy strategy, Instant firstSeen) {
        ActiveRecovery recovery = active.computeIfAbsent(failure.key(),
                k -> new ActiveRecovery(failure, strategy, firstSeen, resumeAt(failure, strategy)));
        recovery.failure(failure);
        return recovery;
    }

    /** The rung a new recovery of {@code failure} starts at: after the last rung its type ran on its nodes, or 0. */
    private int resumeAt(Failure failure, RecoveryStrategy strategy) {
        List<String> rungs = strategy.rungs();
        int last = -1;
        String lastName = null;
        for (NodeId node : failure.nodes()) {
            if (!state.knows(node)) {
                continue;
            }
            String rung = state.ledger(node).lastRung(failure.type());
            int at = rung == null ? -1 : rungs.indexOf(rung);
            if (at > last) {
                last = at;
                lastName = rung;
            }
        }
        if (last < 0) {
            return 0;
        }
        int resume = Math.min(last + 1, rungs.size() - 1);
        LOG.info("{} came back within restart_cooldown after rung '{}': its ladder resumes at rung '{}'",
                failure.key(), lastName, rungs.get(resume));
        return resume;
    }

    /** The recovery of the failure with this key, or null. */
    public ActiveRecovery get(String key) {
        return active.get(key);
    }

    /** Every recovery in progress, in the order they were opened (a copy). */
    public List<ActiveRecovery> all() {
        return List.copyOf(active.values());
    }

    /** How many recoveries await the verification of a rung that acted. */
    public int awaitingVerification() {
        return (int) active.values().stream().filter(ActiveRecovery::awaitingVerification).count();
    }

    /** Voters disrupted by recoveries that have not been verified yet. */
    public Set<NodeId> disruptedVoters() {
        Set<NodeId> disrupted = new HashSet<>();
        active.values().forEach(r -> disrupted.addAll(r.disrupted()));
        return disrupted;
    }

    /** The recovery is over (verified, escalated or cleared): it is forgotten. */
    public void end(ActiveRecovery recovery) {
        active.remove(recovery.key());
    }

    /** A rung starts: the failure's nodes are busy with this recovery. */
    public void hold(ActiveRecovery recovery) {
        recovery.failure().nodes().forEach(n -> state.ledger(n).busyWith(recovery.key()));
    }

    /** The recovery lets go of its nodes: another recovery may act on them, and its disruption no longer counts. */
    public void release(ActiveRecovery recovery) {
        for (NodeId node : recovery.nodes()) {
            if (recovery.key().equals(state.ledger(node).busyWith())) {
                state.ledger(node).busyWith(null);
            }
        }
        recovery.clearDisrupted();
    }

    /**
     * A rung did not recover the failure (it failed, or its verification timed out): journaled, the nodes are
     * released, and the next attempt runs the next rung.
     */
    public void failRung(ActiveRecovery recovery, String rung, String reason, Instant now) {
        recovery.nodes().forEach(n -> state.ledger(n).failed(recovery.failure().type(), rung + ": " + reason));
        sink.emit(new RecoveryEvent.RungFailed(now, recovery.failure(), rung, reason));
        LOG.warn("rung '{}' did not recover {}: {}", rung, recovery.key(), reason);
        recovery.verificationEnded();
        release(recovery);
        recovery.climb();
    }

    /**
     * A failure that was tracked is no longer detected. A recovery awaiting verification is left to its
     * verification; otherwise the recovery ends, and the failure, if it was confirmed, is journaled as cleared.
     */
    public void gone(Failure failure, boolean confirmed, Instant now) {
        ActiveRecovery recovery = active.get(failure.key());
        if (recovery != null && recovery.awaitingVerification()) {
            return;
        }
        if (recovery != null) {
            end(recovery);
        }
        if (confirmed) {
            boolean plannedOnly = recovery != null && recovery.planned();
            sink.emit(new RecoveryEvent.FailureCleared(now, failure, plannedOnly, Optional.empty(), Optional.empty()));
            LOG.info("{} cleared", failure.key());
        }
    }

    /**
     * A recovery whose verification ended unresolved (timed out, or pre-empted) after its failure had stopped being
     * detected (the verification was to decide): nothing is left to recover, so the failure is cleared. Left in
     * place, the recovery would wait for ever, and a later failure of the same key would inherit its rung.
     *
     * @param tracked whether a failure key is still detected
     * @return whether it was cleared
     */
    public boolean clearIfGone(ActiveRecovery recovery, Predicate<String> tracked, Instant now) {
        if (tracked.test(recovery.key())) {
            return false;
        }
        end(recovery);
        sink.emit(new RecoveryEvent.FailureCleared(now, recovery.failure(), false,
                Optional.of("no longer detected when its verification ended"),
                Optional.ofNullable(recovery.actedRung())));
        LOG.info("{} cleared: no longer detected when its verification ended", recovery.key());
        return true;
    }
}
