package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.distributedtesting.recovery.Settings;

/**
 * Reads and validates one strategy's settings, the only way a built-in strategy reads them, so that every message
 * names the full config key and the value in one shape: {@code "strategies.<name>.<key> must be <rule>, but was
 * <value>"}, for example {@code "strategies.slow_follower.max_lag_entries must be > 0, but was -1"}. A value of the
 * wrong type fails the same way ({@code "... must be a whole number, but was five"}), with the {@link Settings}
 * error as its cause.
 *
 * <p>Immutable and thread-safe.
 */
final class SettingsReader {

    /** The most cycles a window may span: far beyond any history an engine keeps, yet safe as an int. */
    static final int MAX_CYCLES = 10_000;

    private final String prefix;
    private final Settings settings;

    /**
     * @param strategy the strategy's name, as under {@code strategies} in the config file
     * @param settings its settings
     * @throws NullPointerException if an argument is null
     */
    SettingsReader(String strategy, Settings settings) {
        this.prefix = "strategies." + Objects.requireNonNull(strategy, "strategy") + ".";
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A whole number greater than zero. @throws IllegalArgumentException otherwise */
    long positive(String key, long defaultValue) {
        long value = whole(key, defaultValue);
        require(value > 0, key, "> 0", value);
        return value;
    }

    /** A whole number of at least {@code min}. @throws IllegalArgumentException otherwise */
    long atLeast(String key, long defaultValue, long min) {
        long value = whole(key, defaultValue);
        require(value >= min, key, ">= " + min, value);
        return value;
    }

    /** A whole number in {@code min..max}. @throws IllegalArgumentException otherwise */
    int inRange(String key, int defaultValue, int min, int max) {
        long value = whole(key, defaultValue);
        require(value >= min && value <= max, key, "in " + min + ".." + max, value);
        return (int) value;
    }

    /** A whole number of cycles in {@code 1..}{@value #MAX_CYCLES}. @throws IllegalArgumentException otherwise */
    int cycles(String key, int defaultValue) {
        return belowMaxCycles(key, positive(key, defaultValue));
    }

    /**
     * A whole number of cycles in {@code min..}{@value #MAX_CYCLES}, for a window that may be empty or must hold
     * more than one cycle. @throws IllegalArgumentException otherwise
     */
    int cycles(String key, int defaultValue, int min) {
        return belowMaxCycles(key, atLeast(key, defaultValue, min));
    }

    private int belowMaxCycles(String key, long value) {
        require(value <= MAX_CYCLES, key, "<= " + MAX_CYCLES, value);
        return (int) value;
    }

    private long whole(String key, long defaultValue) {
        try {
            return settings.getLong(key, defaultValue);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + key + " must be a whole number, but was " + raw(key), e);
        }
    }

    /** A fraction in (0, 1]. @throws IllegalArgumentException otherwise */
    double fraction(String key, double defaultValue) {
        double value = number(key, defaultValue);
        require(value > 0 && value <= 1, key, "in (0, 1]", value);
        return value;
    }

    /** A fraction in [0, 1). @throws IllegalArgumentException otherwise */
    double floor(String key, double defaultValue) {
        double value = number(key, defaultValue);
        require(value >= 0 && value < 1, key, "in [0, 1)", value);
        return value;
    }

    private double number(String key, double defaultValue) {
        try {
            return settings.getDouble(key, defaultValue);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + key + " must be a number, but was " + raw(key), e);
        }
    }

    /** A duration in seconds, zero or more. @throws IllegalArgumentException otherwise */
    Duration seconds(String key, Duration defaultValue) {
        return duration(key, defaultValue, ">= 0");
    }

    /** A duration in seconds, greater than zero. @throws IllegalArgumentException otherwise */
    Duration positive(String key, Duration defaultValue) {
        Duration value = duration(key, defaultValue, "> 0");
        require(!value.isZero() && !value.isNegative(), key, "> 0 seconds", value.toMillis() / 1000.0);
        return value;
    }

    private Duration duration(String key, Duration defaultValue, String rule) {
        try {
            return settings.getDuration(key, defaultValue);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + key + " must be a number of seconds " + rule + ", but was "
                    + raw(key), e);
        }
    }

    /** {@code true} or {@code false}. @throws IllegalArgumentException otherwise */
    boolean flag(String key, boolean defaultValue) {
        try {
            return settings.getBoolean(key, defaultValue);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + key + " must be true or false, but was " + raw(key), e);
        }
    }

    /** A list of node ids, empty when absent. @throws IllegalArgumentException if it is not a list of strings */
    List<String> strings(String key) {
        Object value = settings.get(key).orElse(List.of());
        require(value instanceof Collection<?>, key, "a list of node ids", value);
        List<String> out = new ArrayList<>();
        for (Object item : (Collection<?>) value) {
            if (!(item instanceof String s) || s.isBlank()) {
                throw new IllegalArgumentException(prefix + key + " must be a list of node ids, but held " + item);
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    /**
     * Fails with a message naming {@code key} and {@code value} unless {@code condition} holds; for a rule that
     * relates one setting to another.
     *
     * @param rule what the value must be, such as {@code "<= max_lag_entries (250)"}
     * @throws IllegalArgumentException if {@code condition} is false
     */
    void require(boolean condition, String key, String rule, Object value) {
        if (!condition) {
            throw new IllegalArgumentException(prefix + key + " must be " + rule + ", but was " + value);
        }
    }

    private Object raw(String key) {
        return settings.get(key).orElse(null);
    }
}
