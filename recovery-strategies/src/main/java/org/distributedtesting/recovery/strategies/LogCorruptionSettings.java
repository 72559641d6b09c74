package org.distributedtesting.recovery.strategies;

import org.distributedtesting.recovery.Settings;

/**
 * The settings of {@link LogCorruptionStrategy}, under {@code strategies.log_corruption} in the config file.
 *
 * <p>Immutable and thread-safe.
 *
 * @param catchUpLagEntries the lag, in log entries, within which a repaired node counts as caught up
 */
record LogCorruptionSettings(long catchUpLagEntries) {

    /**
     * Reads and validates the settings, each with its default.
     *
     * @throws IllegalArgumentException if a setting is not valid, naming its key
     */
    static LogCorruptionSettings from(Settings settings) {
        SettingsReader reader = new SettingsReader(LogCorruptionStrategy.NAME, settings);
        return new LogCorruptionSettings(reader.atLeast("catch_up_lag_entries",
                ProcessCrashStrategy.DEFAULT_CATCH_UP_LAG_ENTRIES, 0));
    }
}
