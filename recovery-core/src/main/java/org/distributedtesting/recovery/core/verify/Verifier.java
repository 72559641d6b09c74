package org.distributedtesting.recovery.core.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.core.report.EventSink;
import org.distributedtesting.recovery.core.state.ActiveRecovery;
import org.distributedtesting.recovery.core.state.EngineState;
import org.distributedtesting.recovery.core.state.Quarantine;
import org.distributedtesting.recovery.core.state.Recoveries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verify stage: for each recovery whose rung acted, asks its strategy whether the failure the rung acted on is
 * gone in a fresh snapshot (not a later finding of the same key: {@link ActiveRecovery#verifiedAgainst}). Gone: the recovery is verified, and the nodes its actions disturbed cool down for {@code node_cooldown}. Still there after
 * {@code verify_timeout}: the rung failed, and the next attempt climbs, unless the failure is no longer detected
 * (cleared) or the attempts are spent (escalated).
 *
 * <p>Not thread-safe; the engine's cycle lock guards it.
 */
public final class Verifier {

    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

    /**
     * What one verification pass came to.
     *
     * @param verified  the failures verified recovered
     * @param escalated the failures given up on
     */
    public record Verified(List<Failure> verified, List<Failure> escalated) {
        /** Copies the lists. */
        public Verified {
            verified = List.copyOf(verified);
            escalated = List.copyOf(escalated);
        }
    }

    private final EngineState state;
    private final Recoveries recoveries;
    private final Quarantine quarantine;
    private final EventSink sink;
    private final RecoveryOptions options;

    /**
     * @param state      the engine's memory of the nodes
     * @param recoveries the recoveries in progress
     * @param quarantine escalation
     * @param sink       where events go
     */
    public Verifier(EngineState state, Recoveries recoveries, Quarantine quarantine, EventSink sink) {
        this.state = Objects.requireNonNull(state, "state");
        this.recoveries = Objects.requireNonNull(recoveries, "recoveries");
        this.quarantine = Objects.requireNonNull(quarantine, "quarantine");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.options = state.options();
    }

    /**
     * Verifies every recovery awaiting verification against {@code snapshot}.
     *
     * @param tracks whether a failure key was still detected (as of the previous cycle's detections)
     */
    public Verified verify(ClusterSnapshot snapshot, ClusterHistory history, Predicate<String> tracks,
                           Instant now) {
        List<Failure> verified = new ArrayList<>();
        List<Failure> escalated = new ArrayList<>();
        for (ActiveRecovery recovery : recoveries.all()) {
            if (!recovery.awaitingVerification()) {
                continue;
            }
            Optional<String> endedAgain = endedAfterItsStart(recovery, snapshot);
            if (endedAgain.isPresent()) {
                // a start that did not hold fails its rung now, not when verify_timeout runs out; the failure is
                // no cleared one, and is detected afresh
                recoveries.failRung(recovery, recovery.actedRung(), endedAgain.get(), now);
                Optional<Failure> gaveUp = quarantine.escalateIfAttemptsSpent(recovery, now);
                gaveUp.ifPresent(escalated::add);
                if (gaveUp.isEmpty() && !tracks.test(recovery.key())) {
                    recoveries.end(recovery);
                }
                continue;
            }
            if (resolved(recovery, snapshot, history)) {
                verified(recovery, now);
                verified.add(recovery.failure());
            } else if (!now.isBefore(recovery.verifyDeadline())) {
                recoveries.failRung(recovery, recovery.actedRung(), "still failing "
                        + options.verifyTimeout().toSeconds() + " s after the rung acted (verify_timeout)", now);
                if (!recoveries.clearIfGone(recovery, tracks, now)) {
                    quarantine.escalateIfAttemptsSpent(recovery, now).ifPresent(escalated::add);
                }
            }
        }
        return new Verified(verified, escalated);
    }

    /** A node whose process the rung started that is down again, its process ended: what ended it, if one is. */
    private static Optional<String> endedAfterItsStart(ActiveRecovery recovery, ClusterSnapshot snapshot) {
        for (NodeId node : recovery.startedByRung()) {
            NodeObservation observation = snapshot.observation(node);
            if (!observation.reachable() && observation.process().isDead()) {
                return Optional.of("'" + node + "' was started, and its process ended again: "
                        + observation.process().detail());
            }
        }
        return Optional.empty();
    }

    private boolean resolved(ActiveRecovery recovery, ClusterSnapshot snapshot, ClusterHistory history) {
        try {
            return recovery.strategy().isResolved(recovery.verifiedAgainst(), snapshot, history);
        } catch (RuntimeException e) {
            LOG.warn("strategy '{}' failed to verify {}", recovery.strategy().name(), recovery.key(), e);
            return false;
        }
    }

    private void verified(ActiveRecovery recovery, Instant now) {
        Duration took = Duration.between(recovery.firstSeen(), now);
        sink.emit(new RecoveryEvent.RecoveryVerified(now, recovery.failure(), recovery.actedRung(), took));
        LOG.info("verified recovery of {} by rung '{}' after {} ms", recovery.key(), recovery.actedRung(),
                took.toMillis());
        // only a node the recovery disturbed needs time to settle; one it merely helped (a term raised, a leader
        // stepped down, a sync) is judged again at once
        for (NodeId node : recovery.settling()) {
            state.ledger(node).cooldown(now.plus(options.nodeCooldown()));
        }
        for (NodeId node : recovery.nodes()) {
            state.ledger(node).busyWith(null);
        }
        recoveries.end(recovery);
    }
}
