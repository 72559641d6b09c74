package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.distributedtesting.recovery.Settings;

/**
 * Reads and validates one strategy's settings, naming the full config key in every message, for example
 * {@code "strategies.slow_follower.max_lag_entries must be > 0, but was -1"}.
 *
 * <p>Immutable and thread-safe.
 */
final class PerformanceSettings {

    private final String prefix;
    private final Settings settings;

    /**
     * @param strategy the strategy's name, as under {@code strategies} in the config file
     * @param settings its settings
     */
    PerformanceSettings(String strategy, Settings settings) {
        this.prefix = "strategies." + Objects.requireNonNull(strategy, "strategy") + ".";
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A whole number of at least {@code min}. @throws IllegalArgumentException otherwise */
    long atLeast(String key, long defaultValue, long min) {
        long value;
        try {
            value = settings.getLong(key, defaultValue);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + key + " must be a whole number, but was "
                    + settings.get(key).orElse(null), e);
        }
        if (value < min) {
            throw new IllegalArgumentException(prefix + key + " must be " + (min == 1 ? "> 0" : ">= " + min)
                    + ", but was " + value);
        }
        return value;
    }

    /** A whole number of cycles, at least 1, that fits an int. @throws IllegalArgumentException otherwise */
    int cycles(String key, int defaultValue) {
        long value = atLeast(key, defaultValue, 1);
        if (value > 10_000) {
            throw new IllegalArgumentException(prefix + key + " must be <= 10000, but was " + value);
        }
        return (int) value;
    }

    /** A fraction in (0, 1]. @throws IllegalArgumentException otherwise */
    double fraction(String key, double defaultValue) {
        double value = number(key, defaultValue);
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(prefix + key + " must be in (0, 1], but was " + value);
        }
        return value;
    }

    /** A fraction in [0, 1). @throws IllegalArgumentException otherwise */
    double floor(String key, double defaultValue) {
        double value = number(key, defaultValue);
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(prefix + key + " must be in [0, 1), but was " + value);
        }
        return value;
    }

    private double number(String key, double defaultValue) {
        try {
            return settings.getDouble(key, defaultValue);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + key + " must be a number, but was "
                    + settings.get(key).orElse(null), e);
        }
    }

    /** A duration in seconds, greater than zero. @throws IllegalArgumentException otherwise */
    Duration positive(String key, Duration defaultValue) {
        Duration value;
        try {
            value = settings.getDuration(key, defaultValue);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + key + " must be a number of seconds > 0, but was "
                    + settings.get(key).orElse(null), e);
        }
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(prefix + key + " must be > 0 seconds, but was "
                    + value.toMillis() / 1000.0);
        }
        return value;
    }

    /** A list of strings, empty when absent. @throws IllegalArgumentException if it is not a list of strings */
    List<String> strings(String key) {
        Object value = settings.get(key).orElse(List.of());
        if (!(value instanceof Collection<?> items)) {
            throw new IllegalArgumentException(prefix + key + " must be a list of node ids, but was " + value);
        }
        List<String> out = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof String s) || s.isBlank()) {
                throw new IllegalArgumentException(prefix + key + " must be a list of node ids, but held " + item);
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    /** Fails with a message naming {@code key} unless {@code condition} holds. */
    void require(boolean condition, String key, String rule, Object value) {
        if (!condition) {
            throw new IllegalArgumentException(prefix + key + " must be " + rule + ", but was " + value);
        }
    }
}
