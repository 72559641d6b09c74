package org.distributedtesting.recovery.strategies;

import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;

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
     * @throws SettingsException if a setting is unknown or not valid, naming its key
     */
    static LogCorruptionSettings from(Settings settings) {
        SettingsReader reader = new SettingsReader(LogCorruptionStrategy.NAME, settings);
        long catchUpLagEntries = reader.atLeast("catch_up_lag_entries",
                ProcessCrashStrategy.DEFAULT_CATCH_UP_LAG_ENTRIES, 0);
        reader.rejectUnknownKeys();
        return new LogCorruptionSettings(catchUpLagEntries);
    }
}
