package org.distributedtesting.recovery.examples.ratis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.distributedtesting.recovery.IntegrityCheck;

/**
 * An integrity check whose verdict a status answer reads without waiting for the check: the verdict is reused for
 * {@code ttl}, and once it is older a fresh check runs in the background while the answers still carry the last
 * verdict. A status answer then costs the same whatever the size of the database and the log, so a node never
 * answers late because its checks ran (a restarted node did, and was taken for cut off).
 *
 * <p>Before its first verdict the check is {@linkplain IntegrityCheck.Status#UNKNOWN unknown}: the node checks its
 * data when it starts, and {@link #seed} hands that verdict over. After {@link #invalidate} (a fault hook or a control
 * action changed the data), the next answer waits for a fresh check: what it reports must be the data as it is now.
 *
 * <p>Thread-safe: the verdict is guarded by {@code this}; at most one background check runs at a time.
 */
final class CachedCheck {

    /** The verdict before the node's start-up check is in. */
    static final IntegrityCheck NOT_YET = new IntegrityCheck(IntegrityCheck.Status.UNKNOWN,
            "not checked yet: the node checks its data as it starts");

    private final Supplier<IntegrityCheck> check;
    private final Duration ttl;
    private final Clock clock;
    private final Executor background;
    // guarded by this
    private IntegrityCheck verdict = NOT_YET;
    // guarded by this; null while the verdict is not yet seeded
    private Instant checkedAt;
    // guarded by this: whether the next answer must check the data itself
    private boolean invalid;
    // guarded by this: a background check runs
    private boolean refreshing;
    // guarded by this: bumped by every verdict set, so a background check older than the last one is dropped
    private long generation;

    /**
     * @param check      runs the check; may take long
     * @param ttl        how long a verdict is reused before a fresh check starts
     * @param clock      ages the verdict
     * @param background runs the fresh checks
     */
    CachedCheck(Supplier<IntegrityCheck> check, Duration ttl, Clock clock, Executor background) {
        this.check = Objects.requireNonNull(check, "check");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.background = Objects.requireNonNull(background, "background");
    }

    /**
     * The latest verdict. Waits for a check only after {@link #invalidate}; otherwise starts one in the background
     * when the verdict is older than the ttl, and answers with the verdict it has.
     */
    IntegrityCheck get() {
        long startedAt;
        synchronized (this) {
            if (invalid) {
                set(check.get(), clock.instant());
                invalid = false;
                return verdict;
            }
            Instant now = clock.instant();
            if (checkedAt == null || refreshing || now.isBefore(checkedAt.plus(ttl))) {
                return verdict;
            }
            refreshing = true;
            startedAt = generation;
        }
        try {
            background.execute(() -> refresh(startedAt));
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                refreshing = false; // the node is closing: the last verdict stands
            }
        }
        synchronized (this) {
            return verdict;
        }
    }

    private void refresh(long startedAt) {
        Instant at = clock.instant();
        IntegrityCheck fresh = null;
        try {
            fresh = check.get();
        } finally {
            synchronized (this) {
                refreshing = false;
                // a verdict set meanwhile (a seed, or a check after invalidate) saw newer data than this one
                if (fresh != null && generation == startedAt && !invalid) {
                    set(fresh, at);
                }
            }
        }
    }

    /** The verdict of the check the node ran as it started, checked at {@code at}. */
    synchronized void seed(IntegrityCheck startup, Instant at) {
        set(Objects.requireNonNull(startup, "startup"), Objects.requireNonNull(at, "at"));
        invalid = false;
    }

    /** Forgets the verdict: the next call checks again, and waits for it. */
    synchronized void invalidate() {
        invalid = true;
    }

    private void set(IntegrityCheck value, Instant at) {
        verdict = value;
        checkedAt = at;
        generation++;
    }
}
