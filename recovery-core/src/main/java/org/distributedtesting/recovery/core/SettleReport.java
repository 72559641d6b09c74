package org.distributedtesting.recovery.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.distributedtesting.recovery.Failure;

/**
 * The result of {@link RecoveryEngine#runUntilSettled(Duration)}: whether the cluster ended healthy, and what
 * remained otherwise.
 *
 * <p>Immutable and thread-safe.
 *
 * @param healthy   the last cycle was {@linkplain CycleReport#healthy() healthy}: no failure detected or forming,
 *                  nothing awaiting verification
 * @param remaining failures the last cycle still detected, or else those it saw forming
 * @param cycles    cycles run
 * @param elapsed   time taken, by the engine's clock
 * @param last      the last cycle's report
 */
public record SettleReport(boolean healthy, List<Failure> remaining, int cycles, Duration elapsed, CycleReport last) {

    /** Copies the list. @throws NullPointerException if any argument is null */
    public SettleReport {
        remaining = List.copyOf(remaining);
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(last, "last");
    }
}
