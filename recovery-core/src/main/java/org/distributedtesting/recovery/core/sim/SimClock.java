package org.distributedtesting.recovery.core.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The simulation's virtual clock: it moves only when the simulation advances. Millisecond resolution.
 *
 * <p>Thread-safe for reading; only the simulation moves it.
 */
public final class SimClock extends Clock {

    /** Where every simulation starts: a fixed instant, so that journals of equal runs are equal. */
    public static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private volatile long millis;

    SimClock() {
    }

    /** Virtual milliseconds since {@link #EPOCH}. */
    public long millis() {
        return millis;
    }

    void set(long millis) {
        if (millis < this.millis) {
            throw new IllegalStateException("virtual time cannot go back from " + this.millis + " to " + millis);
        }
        this.millis = millis;
    }

    /** Virtual time elapsed since {@link #EPOCH}. */
    public Duration elapsed() {
        return Duration.ofMillis(millis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (ZoneOffset.UTC.equals(zone)) {
            return this;
        }
        throw new UnsupportedOperationException("the simulation's clock is in UTC");
    }

    @Override
    public Instant instant() {
        return EPOCH.plusMillis(millis);
    }

    @Override
    public String toString() {
        return "SimClock[" + instant() + "]";
    }
}
