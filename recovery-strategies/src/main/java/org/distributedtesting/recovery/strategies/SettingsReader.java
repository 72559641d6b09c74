package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;
import org.distributedtesting.recovery.core.config.KeySuggestion;
import org.distributedtesting.recovery.core.config.MessageText;

/**
 * Reads and validates one strategy's settings, the only way a built-in strategy reads them, so that every message
 * names the full config key and the value in one shape: {@code "strategies.<name>.<key> must be <rule>, but was
 * <value>"}, for example {@code "strategies.slow_follower.max_lag_entries must be > 0, but was -1"}. A value of the
 * wrong type fails the same way ({@code "... must be a whole number, but was five"}), with the {@link Settings}
 * error as its cause. After the last read, {@link #rejectUnknownKeys()} refuses every key that was not read, so a
 * misspelt key is an error rather than a default silently used. Values are shown shortened and escaped.
 *
 * <p>Not thread-safe: it records the keys read; one reader per {@code from(Settings)} call.
 */
final class SettingsReader {

    /** The most cycles a window may span: far beyond any history an engine keeps, yet safe as an int. */
    static final int MAX_CYCLES = 10_000;

    /** A node id as the config file's {@code nodes[].id} must be. */
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** 2^63 as a double: a whole double at or beyond it does not fit a long. */
    private static final double LONG_RANGE = 0x1p63;

    private final String strategy;
    private final Settings settings;
    private final Set<String> read = new TreeSet<>();

    /**
     * @param strategy the strategy's name, as under {@code strategies} in the config file
     * @param settings its settings
     * @throws NullPointerException if an argument is null
     */
    SettingsReader(String strategy, Settings settings) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Refuses every key that no read asked for, naming a near miss ("did you mean 'max_lag_entries'?") or else the
     * keys the strategy knows; call after the last read.
     *
     * @throws SettingsException for the first unknown key, in key order
     */
    void rejectUnknownKeys() {
        for (String key : settings.values().keySet()) {
            if (!read.contains(key)) {
                throw new SettingsException(strategy, key, "unknown key " + MessageText.quote(key) + "; "
                        + (read.isEmpty() ? strategy + " has no settings" : KeySuggestion.hint(key, read)));
            }
        }
    }

    /** A whole number greater than zero. @throws SettingsException otherwise */
    long positive(String key, long defaultValue) {
        long value = whole(key, defaultValue);
        require(value > 0, key, "> 0", value);
        return value;
    }

    /** A whole number of at least {@code min}. @throws SettingsException otherwise */
    long atLeast(String key, long defaultValue, long min) {
        long value = whole(key, defaultValue);
        require(value >= min, key, ">= " + min, value);
        return value;
    }

    /** A whole number in {@code min..max}. @throws SettingsException otherwise */
    int inRange(String key, int defaultValue, int min, int max) {
        long value = whole(key, defaultValue);
        require(value >= min && value <= max, key, "in " + min + ".." + max, value);
        return (int) value;
    }

    /** A whole number of cycles in {@code 1..}{@value #MAX_CYCLES}. @throws SettingsException otherwise */
    int cycles(String key, int defaultValue) {
        return belowMaxCycles(key, positive(key, defaultValue));
    }

    /**
     * A whole number of cycles in {@code min..}{@value #MAX_CYCLES}, for a window that may be empty or must hold
     * more than one cycle. @throws SettingsException otherwise
     */
    int cycles(String key, int defaultValue, int min) {
        return belowMaxCycles(key, atLeast(key, defaultValue, min));
    }

    private int belowMaxCycles(String key, long value) {
        require(value <= MAX_CYCLES, key, "<= " + MAX_CYCLES, value);
        return (int) value;
    }

    private long whole(String key, long defaultValue) {
        read.add(key);
        // Settings.getLong takes 1e300 for Long.MAX_VALUE; a number that large is a mistake, not a threshold
        if (raw(key) instanceof Double d && Math.abs(d) >= LONG_RANGE) {
            throw fail(key, "must be a whole number in the 64-bit range", d, null);
        }
        try {
            return settings.getLong(key, defaultValue);
        } catch (IllegalArgumentException e) {
            throw fail(key, "must be a whole number", raw(key), e);
        }
    }

    /** A fraction in (0, 1]. @throws SettingsException otherwise */
    double fraction(String key, double defaultValue) {
        double value = number(key, defaultValue);
        require(value > 0 && value <= 1, key, "in (0, 1]", value);
        return value;
    }

    /** A fraction in [0, 1). @throws SettingsException otherwise */
    double floor(String key, double defaultValue) {
        double value = number(key, defaultValue);
        require(value >= 0 && value < 1, key, "in [0, 1)", value);
        return value;
    }

    private double number(String key, double defaultValue) {
        read.add(key);
        try {
            return settings.getDouble(key, defaultValue);
        } catch (IllegalArgumentException e) {
            throw fail(key, "must be a number", raw(key), e);
        }
    }

    /** A duration in seconds, zero or more. @throws SettingsException otherwise */
    Duration seconds(String key, Duration defaultValue) {
        return duration(key, defaultValue, ">= 0");
    }

    /** A duration in seconds, greater than zero. @throws SettingsException otherwise */
    Duration positive(String key, Duration defaultValue) {
        Duration value = duration(key, defaultValue, "> 0");
        require(!value.isZero() && !value.isNegative(), key, "> 0 seconds", value.toMillis() / 1000.0);
        return value;
    }

    private Duration duration(String key, Duration defaultValue, String rule) {
        read.add(key);
        try {
            return settings.getDuration(key, defaultValue);
        } catch (IllegalArgumentException e) {
            throw fail(key, "must be a number of seconds " + rule, raw(key), e);
        }
    }

    /** {@code true} or {@code false}. @throws SettingsException otherwise */
    boolean flag(String key, boolean defaultValue) {
        read.add(key);
        try {
            return settings.getBoolean(key, defaultValue);
        } catch (IllegalArgumentException e) {
            throw fail(key, "must be true or false", raw(key), e);
        }
    }

    /**
     * A list of node ids (letters, digits, {@code .}, {@code _}, {@code -}, as {@code nodes[].id}), empty when
     * absent. @throws SettingsException if it is not such a list
     */
    List<String> strings(String key) {
        read.add(key);
        Object value = settings.get(key).orElse(List.of());
        require(value instanceof Collection<?>, key, "a list of node ids", value);
        List<String> out = new ArrayList<>();
        for (Object item : (Collection<?>) value) {
            if (!(item instanceof String s) || !NODE_ID.matcher(s).matches()) {
                throw new SettingsException(strategy, key, "must be a list of node ids, but held " + shown(item));
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
     * @throws SettingsException if {@code condition} is false
     */
    void require(boolean condition, String key, String rule, Object value) {
        if (!condition) {
            throw fail(key, "must be " + rule, value, null);
        }
    }

    private SettingsException fail(String key, String rule, Object value, Throwable cause) {
        return new SettingsException(strategy, key, rule + ", but was " + shown(value), cause);
    }

    /** A value as a message shows it: its text, shortened and escaped, since it may come from the config file. */
    private static String shown(Object value) {
        return MessageText.escape(MessageText.shorten(String.valueOf(value), MessageText.MAX_SHOWN_LENGTH));
    }

    private Object raw(String key) {
        return settings.get(key).orElse(null);
    }
}
