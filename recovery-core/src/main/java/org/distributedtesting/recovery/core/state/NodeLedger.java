package org.distributedtesting.recovery.core.state;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryOptions;

/**
 * What the planner remembers about one node: recovery attempts per failure type since it was last healthy for a
 * whole {@code restart_cooldown}, when each was last attempted, its cooldown after a verified recovery, and whether it
 * is quarantined.
 *
 * <p>Not thread-safe; the engine's cycle lock guards it.
 */
public final class NodeLedger {

    /** Attempts per failure type: independent problems on one node do not spend each other's budget. */
    private final Map<FailureType, Attempts> attempts = new HashMap<>();
    private Instant healthySince;
    private Instant cooldownUntil;
    private boolean quarantined;
    private Instant quarantinedAt;
    private String busyWith;
    private Instant deferredUntil;

    /** The node showed no failure in this cycle. Attempts and backoff start over after a healthy window. */
    public void healthy(Instant now, Duration window) {
        if (healthySince == null) {
            healthySince = now;
        }
        if (!attempts.isEmpty() && !now.isBefore(healthySince.plus(window))) {
            attempts.clear();
        }
    }

    /** The node is affected by a failure in this cycle. */
    public void unhealthy() {
        healthySince = null;
    }

    /** How long the node has been healthy at {@code now}, or zero. */
    public Duration healthyFor(Instant now) {
        return healthySince == null ? Duration.ZERO : Duration.between(healthySince, now);
    }

    /** Attempts of one failure type, when the last one started, and why the last failed one did. */
    private static final class Attempts {
        int count;
        Instant first;
        Instant last;
        String lastFailure;
        /** The rung the last attempt ran, or null when it is not known (an older journal). */
        String lastRung;
    }

    /** Records one recovery attempt for a failure of {@code type}, with the rung it ran unknown. */
    public void attempted(FailureType type, Instant now) {
        attempted(type, null, now);
    }

    /**
     * Records one recovery attempt for a failure of {@code type} that ran the rung named {@code rung}: a failure of
     * that type that comes back before the attempts start over resumes its ladder after that rung.
     *
     * @param rung the rung's name, or null when it is not known
     */
    public void attempted(FailureType type, String rung, Instant now) {
        Attempts a = attempts.computeIfAbsent(type, t -> new Attempts());
        a.count++;
        if (a.first == null) {
            a.first = now;
        }
        a.last = now;
        if (rung != null) {
            a.lastRung = rung;
        }
    }

    /**
     * The rung the last counted attempt for a failure of {@code type} ran, or null when no attempt is counted (none
     * yet, or they started over after a healthy {@code restart_cooldown}) or its rung is not known.
     */
    public String lastRung(FailureType type) {
        Attempts a = attempts.get(type);
        return a == null ? null : a.lastRung;
    }

    /** When the first of the counted attempts for a failure of {@code type} started, or null. */
    public Instant firstAttempt(FailureType type) {
        Attempts a = attempts.get(type);
        return a == null ? null : a.first;
    }

    /**
     * Raises the count of attempts for a failure of {@code type} to at least {@code count}: the journal shows the live
     * engine had counted more than a rebuild of the ledger replayed.
     */
    void countAtLeast(FailureType type, int count) {
        Attempts a = attempts.computeIfAbsent(type, t -> new Attempts());
        a.count = Math.max(a.count, count);
    }

    /** A rung of a recovery of a failure of {@code type} did not recover it, for {@code why}. */
    public void failed(FailureType type, String why) {
        attempts.computeIfAbsent(type, t -> new Attempts()).lastFailure = why;
    }

    /** Why the last failed attempt for a failure of {@code type} failed, or null. */
    public String lastFailure(FailureType type) {
        Attempts a = attempts.get(type);
        return a == null ? null : a.lastFailure;
    }

    /** Forgets past attempts and their backoff. */
    public void resetAttempts() {
        attempts.clear();
    }

    /** Attempts for failures of {@code type} since the node was last healthy for a whole window. */
    public int attempts(FailureType type) {
        Attempts a = attempts.get(type);
        return a == null ? 0 : a.count;
    }

    /**
     * When the next attempt for a failure of {@code type} may start, by exponential backoff or a guard's deferral;
     * {@code null} when at once.
     */
    public Instant nextAttemptAllowed(FailureType type, RecoveryOptions options) {
        Attempts a = attempts.get(type);
        Instant byBackoff = a == null || a.last == null ? null : a.last.plus(options.backoffBefore(a.count + 1));
        if (deferredUntil == null) {
            return byBackoff;
        }
        return byBackoff == null || deferredUntil.isAfter(byBackoff) ? deferredUntil : byBackoff;
    }

    /** A guard held the node's recovery back: try again at {@code until}, with no attempt counted. */
    public void defer(Instant until) {
        deferredUntil = until;
    }

    /** Starts the quiet time after a verified recovery. */
    public void cooldown(Instant until) {
        cooldownUntil = until;
    }

    /** When the quiet time after a verified recovery ends, or null. */
    public Instant cooldownUntil() {
        return cooldownUntil;
    }

    /** Whether the node is quarantined: no action touches it. */
    public boolean quarantined() {
        return quarantined;
    }

    /** Quarantines the node at {@code now}. */
    public void quarantine(Instant now) {
        quarantined = true;
        quarantinedAt = now;
    }

    /** Releases the node from quarantine. */
    public void release() {
        quarantined = false;
        quarantinedAt = null;
    }

    /** When the node was quarantined, or null. */
    public Instant quarantinedAt() {
        return quarantinedAt;
    }

    /** Half-opens the circuit: out of quarantine with exactly one attempt left for each spent failure type. */
    public void halfOpen(int maxAttempts) {
        release();
        for (Attempts a : attempts.values()) {
            a.count = Math.min(a.count, Math.max(0, maxAttempts - 1));
            a.last = null;
        }
    }

    /** The key of the recovery in progress on this node, or null. */
    public String busyWith() {
        return busyWith;
    }

    /** Marks the node busy with a recovery, or free with null. */
    public void busyWith(String failureKey) {
        busyWith = failureKey;
    }
}
