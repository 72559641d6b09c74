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

    private final Instant origin;
    private final long originNanos;
    private final ZoneId zone;

    MonotonicClock() {
        this(Instant.now(), System.nanoTime(), ZoneOffset.UTC);
    }

    private MonotonicClock(Instant origin, long originNanos, ZoneId zone) {
        this.origin = origin;
        this.originNanos = originNanos;
        this.zone = zone;
    }

    @Override
    public Instant instant() {
        return origin.plusNanos(System.nanoTime() - originNanos);
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** The same monotonic time, shown in {@code zone}. */
    @Override
    public Clock withZone(ZoneId zone) {
        return zone.equals(this.zone) ? this : new MonotonicClock(origin, originNanos, zone);
    }
}
