package org.distributedtesting.recovery.strategies;

import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;

/**
 * The settings of {@link DatabaseCorruptionStrategy}, under {@code strategies.database_corruption} in the config
 * file.
 *
 * <p>Immutable and thread-safe.
 *
 * @param requireChecksumAgreement whether a restore source must hold the checksum a majority agrees on
 */
record DatabaseCorruptionSettings(boolean requireChecksumAgreement) {

    /**
     * Reads and validates the settings, each with its default.
     *
     * @throws SettingsException if a setting is unknown or not valid, naming its key
     */
    static DatabaseCorruptionSettings from(Settings settings) {
        SettingsReader reader = new SettingsReader(DatabaseCorruptionStrategy.NAME, settings);
        boolean requireChecksumAgreement = reader.flag("require_checksum_agreement",
                DatabaseCorruptionStrategy.DEFAULT_REQUIRE_CHECKSUM_AGREEMENT);
        reader.rejectUnknownKeys();
        return new DatabaseCorruptionSettings(requireChecksumAgreement);
    }
}
