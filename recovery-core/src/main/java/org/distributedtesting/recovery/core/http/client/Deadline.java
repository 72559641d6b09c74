package org.distributedtesting.recovery.core.http.client;

import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The point in {@link System#nanoTime()} by which one HTTP exchange must end, and the length it was given, which
 * timeout messages quote.
 *
 * <p>Immutable and thread-safe.
 *
 * @param length   the time the exchange was given
 * @param endNanos when it ends, on the {@link System#nanoTime()} scale
 */
record Deadline(Duration length, long endNanos) {

    Deadline {
        Objects.requireNonNull(length, "length");
    }

    /**
     * A deadline {@code length} from now.
     *
     * @throws IllegalArgumentException if {@code length} is not positive
     */
    static Deadline after(Duration length) {
        Objects.requireNonNull(length, "deadline");
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("deadline must be > 0, but was " + length);
        }
        return new Deadline(length, System.nanoTime() + saturatedNanos(length));
    }

    /** Nanoseconds left, 0 once it has passed. */
    long remainingNanos() {
        return Math.max(0, endNanos - System.nanoTime());
    }

    boolean passed() {
        return System.nanoTime() - endNanos >= 0;
    }

    /**
     * The time left, for a request's own timeout.
     *
     * @throws HttpTimeoutException if none is left
     */
    Duration remaining() throws HttpTimeoutException {
        long nanos = remainingNanos();
        if (nanos == 0) {
            throw timedOut();
        }
        return Duration.ofNanos(nanos);
    }

    /** The failure of an exchange that ran out of time, quoting the length it was given. */
    HttpTimeoutException timedOut() {
        return new HttpTimeoutException("timed out after " + length.toMillis() + " ms");
    }

    /** Milliseconds since this deadline was set. */
    long elapsedMillis() {
        long startNanos = endNanos - saturatedNanos(length);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            // over 292 years: as good as forever, and end = now + this must not overflow
            return Long.MAX_VALUE / 2;
        }
    }
}
