package org.distributedtesting.recovery;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A strategy's tuning from the configuration file (thresholds, windows), read by key with a default.
 *
 * <p>Immutable and thread-safe. Values are what JSON gives: numbers, booleans, strings. Durations are numbers of
 * seconds (fractions allowed), as {@code restart_cooldown} is in the seed format.
 *
 * @param values the settings, by snake-case key
 */
public record Settings(Map<String, Object> values) {

    /** No settings: every lookup gives its default. */
    public static final Settings EMPTY = new Settings(Map.of());

    /** Copies the map. @throws NullPointerException if a key or value is null */
    public Settings {
        values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
        values.values().forEach(v -> Objects.requireNonNull(v, "setting values must not be null"));
    }

    /** The raw value of a key. */
    public Optional<Object> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /**
     * A whole number.
     *
     * @throws IllegalArgumentException if the value is present and not a whole number
     */
    public long getLong(String key, long defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw new IllegalArgumentException("setting '" + key + "' must be a whole number, but was " + v);
    }

    /**
     * A number.
     *
     * @throws IllegalArgumentException if the value is present and not a number
     */
    public double getDouble(String key, double defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("setting '" + key + "' must be a number, but was " + v);
    }

    /**
     * A boolean.
     *
     * @throws IllegalArgumentException if the value is present and not a boolean
     */
    public boolean getBoolean(String key, boolean defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("setting '" + key + "' must be true or false, but was " + v);
    }

    /**
     * A duration given in seconds.
     *
     * @throws IllegalArgumentException if the value is present and not a non-negative number
     */
    public Duration getDuration(String key, Duration defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Number n && n.doubleValue() >= 0) {
            return Duration.ofNanos(Math.round(n.doubleValue() * 1_000_000_000d));
        }
        throw new IllegalArgumentException("setting '" + key + "' must be a number of seconds >= 0, but was " + v);
    }
}
