package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;

/**
 * The settings of {@link TermDivergenceStrategy}, under {@code strategies.term_divergence} in the config file.
 *
 * <p>Immutable and thread-safe.
 *
 * @param stabilizationCycles cycles beyond the current one a lag must last
 * @param maxTermSpread       terms a voter may lag behind the majority's term beyond stabilization
 * @param maxTermGrowth       terms a node's own elections may add within the growth window
 * @param growthWindowCycles  cycles over which term growth is measured
 * @param maxTermAhead        terms a voter may be above the majority's term before its term is implausible
 */
record TermDivergenceSettings(int stabilizationCycles, long maxTermSpread, long maxTermGrowth,
                              int growthWindowCycles, long maxTermAhead, Duration leaderlessWindow) {

    /**
     * Reads and validates the settings, each with its default.
     *
     * @throws SettingsException if a setting is unknown or not valid, naming its key
     */
    static TermDivergenceSettings from(Settings settings) {
        SettingsReader reader = new SettingsReader(TermDivergenceStrategy.NAME, settings);
        // 0 stabilization cycles judges the current snapshot alone; both windows say ">= min", as they always have
        int stabilizationCycles = reader.cycles("stabilization_cycles",
                TermDivergenceStrategy.DEFAULT_STABILIZATION_CYCLES, 0);
        long maxTermSpread = reader.atLeast("max_term_spread", TermDivergenceStrategy.DEFAULT_MAX_TERM_SPREAD, 0);
        long maxTermGrowth = reader.positive("max_term_growth", TermDivergenceStrategy.DEFAULT_MAX_TERM_GROWTH);
        int growthWindowCycles = reader.cycles("growth_window_cycles",
                TermDivergenceStrategy.DEFAULT_GROWTH_WINDOW_CYCLES, 1);
        long maxTermAhead = reader.positive("max_term_ahead", TermDivergenceStrategy.DEFAULT_MAX_TERM_AHEAD);
        Duration leaderlessWindow = reader.positive("leaderless_window",
                TermDivergenceStrategy.DEFAULT_LEADERLESS_WINDOW);
        reader.rejectUnknownKeys();
        return new TermDivergenceSettings(stabilizationCycles, maxTermSpread, maxTermGrowth, growthWindowCycles,
                maxTermAhead, leaderlessWindow);
    }
}
