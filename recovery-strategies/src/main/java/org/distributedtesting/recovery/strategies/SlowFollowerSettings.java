package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import java.util.Set;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;

/**
 * The settings of {@link SlowFollowerStrategy}, under {@code strategies.slow_follower} in the config file.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxLagEntries      the lag, in entries, above which a sustained lag is reported
 * @param sustainCycles      cycles in a row the lag must stay above {@code maxLagEntries}
 * @param lagFloorEntries    the lag from which a growing lag is reported
 * @param growthWindowCycles cycles over which a lag must grow
 * @param minGrowthEntries   entries a lag must grow by within the window
 * @param caughtUpLagEntries the lag within which a follower counts as caught up
 * @param stableCycles       cycles in a row a follower must stay caught up
 * @param minFaultTolerance  voter failures the remaining voters must still tolerate after a demotion
 * @param slowProbeLatency   probe latency from which a probe is noted as slow in the evidence
 * @param permanentLearners  ids of non-voters that are never promoted
 */
record SlowFollowerSettings(long maxLagEntries, int sustainCycles, long lagFloorEntries, int growthWindowCycles,
                            long minGrowthEntries, long caughtUpLagEntries, int stableCycles, long minFaultTolerance,
                            Duration slowProbeLatency, Set<String> permanentLearners) {

    /** Copies the learners. */
    SlowFollowerSettings {
        permanentLearners = Set.copyOf(permanentLearners);
    }

    /**
     * Reads and validates the settings, each with its default.
     *
     * @throws SettingsException if a setting is unknown or not valid, naming its key
     */
    static SlowFollowerSettings from(Settings settings) {
        SettingsReader reader = new SettingsReader(SlowFollowerStrategy.NAME, settings);
        long maxLag = reader.positive("max_lag_entries", SlowFollowerStrategy.DEFAULT_MAX_LAG_ENTRIES);
        long floor = reader.positive("lag_floor_entries", SlowFollowerStrategy.DEFAULT_LAG_FLOOR_ENTRIES);
        reader.require(floor <= maxLag, "lag_floor_entries", "<= max_lag_entries (" + maxLag + ")", floor);
        long caughtUpLag = reader.atLeast("caught_up_lag_entries", SlowFollowerStrategy.DEFAULT_CAUGHT_UP_LAG_ENTRIES,
                0);
        reader.require(caughtUpLag < floor, "caught_up_lag_entries", "< lag_floor_entries (" + floor + ")",
                caughtUpLag);
        long minFaultTolerance = reader.atLeast("min_fault_tolerance",
                SlowFollowerStrategy.DEFAULT_MIN_FAULT_TOLERANCE, 0);
        int sustainCycles = reader.cycles("sustain_cycles", SlowFollowerStrategy.DEFAULT_SUSTAIN_CYCLES);
        int growthWindow = reader.cycles("growth_window_cycles", SlowFollowerStrategy.DEFAULT_GROWTH_WINDOW_CYCLES);
        long minGrowth = reader.positive("min_growth_entries", SlowFollowerStrategy.DEFAULT_MIN_GROWTH_ENTRIES);
        int stableCycles = reader.cycles("stable_cycles", SlowFollowerStrategy.DEFAULT_STABLE_CYCLES);
        Duration slowProbe = reader.positive("slow_probe_latency", SlowFollowerStrategy.DEFAULT_SLOW_PROBE_LATENCY);
        Set<String> permanentLearners = Set.copyOf(reader.strings("permanent_learners"));
        reader.rejectUnknownKeys();
        return new SlowFollowerSettings(maxLag, sustainCycles, floor, growthWindow, minGrowth, caughtUpLag,
                stableCycles, minFaultTolerance, slowProbe, permanentLearners);
    }
}
