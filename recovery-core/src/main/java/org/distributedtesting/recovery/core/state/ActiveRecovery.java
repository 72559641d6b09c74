package org.distributedtesting.recovery.core.state;

import java.time.Instant;
import java.util.Collections;
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
    /** The rung a recurrence resumed at (0 for a ladder that started at its first rung). */
    private final int resumedAt;
    /** Whether a resumed ladder found no rung from {@link #resumedAt} up that applies, and went back to rung 0. */
    private boolean wrapped;
    private String actedRung;
    /** The failure as detected when the rung that awaits verification acted, or null. */
    private Failure actedOn;
    private Instant verifyDeadline;
    private boolean planned;
    private Instant deferredSince;
    private String heldBy;
    private final Set<String> backups = new HashSet<>();
    private final Set<NodeId> disrupted = new HashSet<>();
    private final Set<NodeId> settling = new HashSet<>();
    private final Set<NodeId> startedByRung = new HashSet<>();

    ActiveRecovery(Failure failure, RecoveryStrategy strategy, Instant firstSeen) {
        this(failure, strategy, firstSeen, 0);
    }

    /** A recovery whose ladder starts at rung {@code startRung} (a failure that came back resumes its ladder). */
    ActiveRecovery(Failure failure, RecoveryStrategy strategy, Instant firstSeen, int startRung) {
        this.key = failure.key();
        this.failure = failure;
        this.strategy = strategy;
        this.firstSeen = firstSeen;
        this.rung = startRung;
        this.resumedAt = startRung;
    }

    /** The failure's key. */
    public String key() {
        return key;
    }

    /** The failure as detected most recently. */
    public Failure failure() {
        return failure;
    }

    void failure(Failure latest) {
        failure = latest;
    }

    /** The strategy whose ladder recovers it. */
    public RecoveryStrategy strategy() {
        return strategy;
    }

    /** When the failure was first seen. */
    public Instant firstSeen() {
        return firstSeen;
    }

    /** The rung to run next, as an index into the strategy's rungs. */
    public int rung() {
        return rung;
    }

    /** The name of rung {@code index}. */
    public String rungName(int index) {
        return strategy.rungs().get(index);
    }

    /**
     * Whether the last rung skipping means no rung applies: true unless the ladder was resumed above its first rung
     * and has not yet gone back to try the rungs below.
     */
    public boolean triedEveryRung() {
        return resumedAt == 0 || wrapped;
    }

    /**
     * A resumed ladder found no rung from where it resumed up that applies to this recurrence: it goes back to its
     * first rung, once, rather than escalating a failure that a lower rung handles (a ladder whose rungs each handle
     * one kind of finding).
     *
     * @throws IllegalStateException if the ladder was not resumed, or already went back
     */
    public void wrapToFirstRung() {
        if (triedEveryRung()) {
            throw new IllegalStateException("the ladder of " + key + " has tried every rung already");
        }
        wrapped = true;
        rung = 0;
    }

    /** Moves to the next rung; the last rung repeats. */
    public void climb() {
        rung = Math.min(rung + 1, strategy.rungs().size() - 1);
    }

    /**
     * The rung named {@code rungName} acted on the failure as last detected; that failure must be gone by
     * {@code deadline}.
     */
    public void awaitVerification(String rungName, Instant deadline) {
        actedRung = rungName;
        actedOn = failure;
        verifyDeadline = deadline;
    }

    /**
     * The failure a pending verification judges: the one the rung acted on, not a later finding of the same key. A
     * detector may report a different finding for the same nodes once the rung has done its work (term divergence:
     * the node it paused is reported as paused once the terms agree); asking whether that later finding is gone
     * would judge the rung by a problem it did not act on, and a rung that worked would time out unverified. The
     * failure as last detected when no rung acted yet (a recovery rebuilt from the journal).
     */
    public Failure verifiedAgainst() {
        return actedOn != null ? actedOn : failure;
    }

    /** Whether a rung acted and its verification is pending. */
    public boolean awaitingVerification() {
        return verifyDeadline != null;
    }

    /** When the pending verification times out, or null. */
    public Instant verifyDeadline() {
        return verifyDeadline;
    }

    /** The rung that acted last, or null. */
    public String actedRung() {
        return actedRung;
    }

    /** The pending verification ended (timed out, or pre-empted). */
    public void verificationEnded() {
        verifyDeadline = null;
    }

    /** When guards started holding this recovery back, or null while it is not held back. */
    public Instant deferredSince() {
        return deferredSince;
    }

    /** Guards hold the recovery back since {@code since}, or, with null, no longer. */
    public void deferredSince(Instant since) {
        deferredSince = since;
    }

    /** The guard holding the recovery back since a previous cycle, or null. */
    public String heldBy() {
        return heldBy;
    }

    /** The guard now holding the recovery back, or null once none does. */
    public void heldBy(String guard) {
        heldBy = guard;
    }

    /** Whether a dry run planned its rung (nothing more will be done). */
    public boolean planned() {
        return planned;
    }

    /** A dry run planned its rung. */
    public void markPlanned() {
        planned = true;
    }

    /** Whether the engine already moved the node's artifact aside for this recovery. */
    public boolean backedUp(NodeId node, Action.Artifact artifact) {
        return backups.contains(node.value() + "/" + artifact);
    }

    /** The engine moved the node's artifact aside for this recovery. */
    public void markBackedUp(NodeId node, Action.Artifact artifact) {
        backups.add(node.value() + "/" + artifact);
    }

    /** The voters this recovery's actions took away until it is verified. */
    public Set<NodeId> disrupted() {
        return Collections.unmodifiableSet(disrupted);
    }

    /** An action of this recovery took the node's vote away. */
    public void markDisrupted(NodeId node) {
        disrupted.add(node);
    }

    /**
     * An action of this recovery started, stopped, restarted, demoted or replaced the data of the node: once the
     * recovery is verified, the node is left to settle for {@code node_cooldown}.
     */
    public void markSettling(NodeId node) {
        settling.add(node);
    }

    /** The nodes this recovery's actions disturbed (started, stopped, restarted, demoted, data replaced). */
    public Set<NodeId> settling() {
        return Collections.unmodifiableSet(settling);
    }

    /** The rung now running started the node's process (a start or a restart that was carried out). */
    public void markStarted(NodeId node) {
        startedByRung.add(node);
    }

    /** The nodes whose process the last rung started. */
    public Set<NodeId> startedByRung() {
        return Collections.unmodifiableSet(startedByRung);
    }

    /** A new rung begins: nothing it did is known yet. */
    public void rungBegins() {
        startedByRung.clear();
    }

    /** The recovery's disruption is over (its nodes were released). */
    void clearDisrupted() {
        disrupted.clear();
    }

    /** The failure's nodes. */
    public Set<NodeId> nodes() {
        return Set.copyOf(failure.nodes());
    }
}
