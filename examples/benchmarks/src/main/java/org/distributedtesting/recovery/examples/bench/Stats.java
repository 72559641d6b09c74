package org.distributedtesting.recovery.examples.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Median, 90th percentile and maximum of a series of timings, by the nearest-rank method (each is one of the
 * measured values, never an interpolation).
 *
 * <p>Immutable and thread-safe.
 *
 * @param median the 50th percentile
 * @param p90    the 90th percentile
 * @param max    the largest value
 */
record Stats(Duration median, Duration p90, Duration max) {

    /** @throws NullPointerException if any argument is null */
    Stats {
        Objects.requireNonNull(median, "median");
        Objects.requireNonNull(p90, "p90");
        Objects.requireNonNull(max, "max");
    }

    /**
     * The statistics of {@code samples}.
     *
     * @throws IllegalArgumentException if {@code samples} is empty
     */
    static Stats of(List<Duration> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("samples must not be empty");
        }
        List<Duration> sorted = new ArrayList<>(samples);
        sorted.sort(null);
        return new Stats(rank(sorted, 0.5), rank(sorted, 0.9), sorted.get(sorted.size() - 1));
    }

    private static Duration rank(List<Duration> sorted, double percentile) {
        int rank = (int) Math.ceil(percentile * sorted.size());
        return sorted.get(Math.max(rank, 1) - 1);
    }
}
