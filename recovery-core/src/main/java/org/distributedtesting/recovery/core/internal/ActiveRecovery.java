package org.distributedtesting.recovery.core.internal;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryStrategy;

/**
 * One failure the engine is recovering: where it stands on its strategy's ladder, whether a rung awaits
 * verification, and what the rungs did so far (backups made, voters disrupted).
 *
 * <p>Not thread-safe; the engine's cycle lock guards it.
 */
public final class ActiveRecovery {

    private final String key;
    private final RecoveryStrategy strategy;
    private final Instant firstSeen;
    private Failure failure;
    private int rung;
    private String actedRung;
    private Instant verifyDeadline;
    private boolean planned;
    private Instant deferredSince;
    private final Set<String> backups = new HashSet<>();
    private final Set<NodeId> disrupted = new HashSet<>();

    ActiveRecovery(Failure failure, RecoveryStrategy strategy, Instant firstSeen) {
        this.key = failure.key();
        this.failure = failure;
        this.strategy = strategy;
        this.firstSeen = firstSeen;
    }

    String key() {
        return key;
    }

    Failure failure() {
        return failure;
    }

    void failure(Failure latest) {
        failure = latest;
    }

    RecoveryStrategy strategy() {
        return strategy;
    }

    Instant firstSeen() {
        return firstSeen;
    }

    int rung() {
        return rung;
    }

    String rungName(int index) {
        return strategy.rungs().get(index);
    }

    /** Moves to the next rung; the last rung repeats. */
    void climb() {
        rung = Math.min(rung + 1, strategy.rungs().size() - 1);
    }

    void awaitVerification(String rungName, Instant deadline) {
        actedRung = rungName;
        verifyDeadline = deadline;
    }

    boolean awaitingVerification() {
        return verifyDeadline != null;
    }

    Instant verifyDeadline() {
        return verifyDeadline;
    }

    String actedRung() {
        return actedRung;
    }

    void verificationEnded() {
        verifyDeadline = null;
    }

    /** When guards started holding this recovery back, or null while it is not held back. */
    Instant deferredSince() {
        return deferredSince;
    }

    void deferredSince(Instant value) {
        deferredSince = value;
    }

    boolean planned() {
        return planned;
    }

    void planned(boolean value) {
        planned = value;
    }

    boolean backedUp(NodeId node, Action.Artifact artifact) {
        return backups.contains(node.value() + "/" + artifact);
    }

    void backedUp(NodeId node, Action.Artifact artifact, boolean done) {
        if (done) {
            backups.add(node.value() + "/" + artifact);
        }
    }

    Set<NodeId> disrupted() {
        return disrupted;
    }

    Set<NodeId> nodes() {
        return Set.copyOf(failure.nodes());
    }
}
