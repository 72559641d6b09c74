package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;
import org.distributedtesting.recovery.strategies.ResourceExhaustionDetector.Resource;

/**
 * The settings of {@link ResourceExhaustionStrategy}, under {@code strategies.resource_exhaustion} in the config
 * file.
 *
 * <p>Immutable and thread-safe.
 *
 * @param thresholds        each resource's threshold, as a fraction of its limit; every resource has one
 * @param sustainCycles     cycles in a row a ratio must stay at or above its threshold
 * @param trendWindowCycles cycles the trend and leak signals look back over
 * @param horizon           how far ahead a trend must predict exhaustion to count
 * @param trendFloor        the ratio below which trends and leaks do not count
 */
record ResourceExhaustionSettings(Map<Resource, Double> thresholds, int sustainCycles, int trendWindowCycles,
                                  Duration horizon, double trendFloor) {

    /** Copies the thresholds. */
    ResourceExhaustionSettings {
        thresholds = Collections.unmodifiableMap(new EnumMap<>(thresholds));
    }

    /**
     * Reads and validates the settings, each with its default.
     *
     * @throws SettingsException if a setting is unknown or not valid, naming its key
     */
    static ResourceExhaustionSettings from(Settings settings) {
        SettingsReader reader = new SettingsReader(ResourceExhaustionStrategy.NAME, settings);
        Map<Resource, Double> thresholds = new EnumMap<>(Resource.class);
        thresholds.put(Resource.DISK, reader.fraction("disk_threshold", ResourceExhaustionStrategy.DEFAULT_THRESHOLD));
        thresholds.put(Resource.MEMORY, reader.fraction("memory_threshold",
                ResourceExhaustionStrategy.DEFAULT_THRESHOLD));
        thresholds.put(Resource.FILE_HANDLES, reader.fraction("file_threshold",
                ResourceExhaustionStrategy.DEFAULT_THRESHOLD));
        thresholds.put(Resource.CPU, reader.fraction("cpu_threshold",
                ResourceExhaustionStrategy.DEFAULT_CPU_THRESHOLD));
        int sustainCycles = reader.cycles("sustain_cycles", ResourceExhaustionStrategy.DEFAULT_SUSTAIN_CYCLES);
        int trendCycles = reader.cycles("trend_window_cycles", ResourceExhaustionStrategy.DEFAULT_TREND_WINDOW_CYCLES);
        reader.require(trendCycles >= 3, "trend_window_cycles", ">= 3 (a line through two points is no trend)",
                trendCycles);
        Duration horizon = reader.positive("horizon_seconds", ResourceExhaustionStrategy.DEFAULT_HORIZON);
        double floor = reader.floor("trend_floor", ResourceExhaustionStrategy.DEFAULT_TREND_FLOOR);
        reader.rejectUnknownKeys();
        return new ResourceExhaustionSettings(thresholds, sustainCycles, trendCycles, horizon, floor);
    }

    /** The threshold of {@code resource}. */
    double threshold(Resource resource) {
        return thresholds.get(resource);
    }
}
