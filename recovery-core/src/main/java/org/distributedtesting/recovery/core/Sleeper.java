package org.distributedtesting.recovery.core;

import java.time.Duration;

/**
 * Waits. The engine waits only through a sleeper, so a test or the simulated cluster can make waiting advance
 * virtual time instead of the wall clock.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {

    /** Waits on the wall clock. */
    Sleeper SYSTEM = duration -> {
        if (!duration.isNegative() && !duration.isZero()) {
            Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
        }
    };

    /**
     * Waits for {@code duration}.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    void sleep(Duration duration) throws InterruptedException;
}
