package org.distributedtesting.recovery.strategies;

import org.distributedtesting.recovery.Settings;

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
     * @throws IllegalArgumentException if a setting is not valid, naming its key
     */
    static ProcessCrashSettings from(Settings settings) {
        SettingsReader reader = new SettingsReader(ProcessCrashStrategy.NAME, settings);
        return new ProcessCrashSettings(reader.atLeast("catch_up_lag_entries",
                ProcessCrashStrategy.DEFAULT_CATCH_UP_LAG_ENTRIES, 0));
    }
}
