package org.distributedtesting.recovery.strategies;

import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;

/**
 * The settings of {@link ProcessCrashStrategy}, under {@code strategies.process_crash} in the config file.
 *
 * <p>Immutable and thread-safe.
 *
 * @param catchUpLagEntries the lag, in log entries, within which a restarted node counts as caught up
 */
record ProcessCrashSettings(long catchUpLagEntries) {

    /**
     * Reads and validates the settings, each with its default.
     *
     * @throws SettingsException if a setting is unknown or not valid, naming its key
     */
    static ProcessCrashSettings from(Settings settings) {
        SettingsReader reader = new SettingsReader(ProcessCrashStrategy.NAME, settings);
        long catchUpLagEntries = reader.atLeast("catch_up_lag_entries",
                ProcessCrashStrategy.DEFAULT_CATCH_UP_LAG_ENTRIES, 0);
        reader.rejectUnknownKeys();
        return new ProcessCrashSettings(catchUpLagEntries);
    }
}
