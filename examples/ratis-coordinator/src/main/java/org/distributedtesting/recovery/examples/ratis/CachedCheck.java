package org.distributedtesting.recovery.examples.ratis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.distributedtesting.recovery.IntegrityCheck;

/**
 * An integrity check whose verdict is reused for a short time, so that frequent probes do not reread the database
 * or the log each time.
 *
 * <p>Thread-safe: one check runs at a time; callers meanwhile wait for its verdict.
 */
final class CachedCheck {

    private final Supplier<IntegrityCheck> check;
    private final Duration ttl;
    private final Clock clock;
    // guarded by this
    private IntegrityCheck verdict;
    // guarded by this
    private Instant checkedAt;

    CachedCheck(Supplier<IntegrityCheck> check, Duration ttl, Clock clock) {
        this.check = Objects.requireNonNull(check, "check");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    synchronized IntegrityCheck get() {
        Instant now = clock.instant();
        if (verdict == null || !now.isBefore(checkedAt.plus(ttl))) {
            verdict = check.get();
            checkedAt = now;
        }
        return verdict;
    }

    /** Forgets the verdict, so that the next call checks again. */
    synchronized void invalidate() {
        verdict = null;
    }
}
