package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;

/**
 * The settings of {@link DeadlockStrategy}, under {@code strategies.deadlock} in the config file.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxOperationAge operations in flight longer than this are blocked
 * @param stallCycles     cycles without apply progress (or with a growing queue) that make a stall
 * @param maxNotServing   how long a node may answer without serving its consensus role
 */
record DeadlockSettings(Duration maxOperationAge, int stallCycles, Duration maxNotServing) {

    /**
     * Reads and validates the settings, each with its default.
     *
     * @throws SettingsException if a setting is unknown or not valid, naming its key
     */
    static DeadlockSettings from(Settings settings) {
        SettingsReader reader = new SettingsReader(DeadlockStrategy.NAME, settings);
        Duration maxOperationAge = reader.positive("max_operation_age", DeadlockStrategy.DEFAULT_MAX_OPERATION_AGE);
        int stallCycles = reader.cycles("stall_cycles", DeadlockStrategy.DEFAULT_STALL_CYCLES);
        Duration maxNotServing = reader.positive("max_not_serving", DeadlockStrategy.DEFAULT_MAX_NOT_SERVING);
        reader.rejectUnknownKeys();
        return new DeadlockSettings(maxOperationAge, stallCycles, maxNotServing);
    }
}
