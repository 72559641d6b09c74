package org.distributedtesting.recovery.core.sim.junit;

import java.time.Duration;
import java.util.Locale;

/**
 * Virtual times and durations as people read them in a failure message: {@code 00:01:30.000} since the cluster
 * was built, {@code 5 min}, {@code 90 s}.
 *
 * <p>Stateless and thread-safe.
 */
final class VirtualTime {

    private VirtualTime() {
    }

    /** Virtual milliseconds since the cluster was built, as {@code hh:mm:ss.SSS}. */
    static String at(long millis) {
        return String.format(Locale.ROOT, "%02d:%02d:%02d.%03d", millis / 3_600_000, millis / 60_000 % 60,
                millis / 1000 % 60, millis % 1000);
    }

    /** A duration in its largest whole unit when it has one, else in seconds: {@code 5 min}, {@code 1.5 s}. */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0 && millis > 0) {
            return millis / 3_600_000 + " h";
        }
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + " min";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + " s";
        }
        return String.format(Locale.ROOT, "%.3f s", millis / 1000.0);
    }
}
