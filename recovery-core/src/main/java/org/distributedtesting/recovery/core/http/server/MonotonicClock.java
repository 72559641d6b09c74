package org.distributedtesting.recovery.core.http.server;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The server's default clock for its deadlines: the wall clock's time at start, advanced by
 * {@link System#nanoTime()}, so that a step of the wall clock (NTP, a suspended VM) neither cuts nor stretches a
 * request's deadline.
 *
 * <p>Immutable and thread-safe.
 */
final class MonotonicClock extends Clock {

    private final Instant origin = Instant.now();
    private final long originNanos = System.nanoTime();

    @Override
    public Instant instant() {
        return origin.plusNanos(System.nanoTime() - originNanos);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a deadline clock has no use for zones; it is UTC");
    }
}
