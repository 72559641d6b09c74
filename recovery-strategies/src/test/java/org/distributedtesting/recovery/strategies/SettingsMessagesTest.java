package org.distributedtesting.recovery.strategies;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Map;
import org.distributedtesting.recovery.Settings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every setting of every built-in strategy is read through {@link SettingsReader}, so every invalid value fails
 * with one message shape that names the full config key and the value.
 */
class SettingsMessagesTest {

    private static final String EVERY_KEY = """
            process_crash,       catch_up_lag_entries
            log_corruption,      catch_up_lag_entries
            database_corruption, require_checksum_agreement
            network_partition,   leader_disagreement_cycles
            network_partition,   election_window
            network_partition,   min_failed_elections
            term_divergence,     stabilization_cycles
            term_divergence,     max_term_spread
            term_divergence,     max_term_growth
            term_divergence,     growth_window_cycles
            deadlock,            max_operation_age
            deadlock,            stall_cycles
            deadlock,            max_not_serving
            resource_exhaustion, disk_threshold
            resource_exhaustion, memory_threshold
            resource_exhaustion, file_threshold
            resource_exhaustion, cpu_threshold
            resource_exhaustion, sustain_cycles
            resource_exhaustion, trend_window_cycles
            resource_exhaustion, horizon_seconds
            resource_exhaustion, trend_floor
            slow_follower,       max_lag_entries
            slow_follower,       sustain_cycles
            slow_follower,       lag_floor_entries
            slow_follower,       growth_window_cycles
            slow_follower,       min_growth_entries
            slow_follower,       caught_up_lag_entries
            slow_follower,       stable_cycles
            slow_follower,       min_fault_tolerance
            slow_follower,       slow_probe_latency
            slow_follower,       permanent_learners
            """;

    private static void build(String strategy, Settings settings) {
        new BuiltInStrategies().strategies(name -> name.equals(strategy) ? settings : Settings.EMPTY);
    }

    @ParameterizedTest(name = "{0}.{1}")
    @CsvSource(textBlock = EVERY_KEY)
    void aValueOfTheWrongTypeIsRejectedWithTheFullKeyAndTheValue(String strategy, String key) {
        // Given
        Settings settings = new Settings(Map.of(key, "lots"));

        // When / Then
        assertThatIllegalArgumentException().isThrownBy(() -> build(strategy, settings))
                .withMessageStartingWith("strategies." + strategy + "." + key + " must be ")
                .withMessageEndingWith(", but was lots");
    }

    @ParameterizedTest(name = "{0}.{1}")
    @CsvSource(textBlock = EVERY_KEY)
    void aNegativeValueIsRejectedWithTheFullKeyAndTheValue(String strategy, String key) {
        // Given
        Settings settings = new Settings(Map.of(key, -1L));

        // When / Then
        assertThatIllegalArgumentException().isThrownBy(() -> build(strategy, settings))
                .withMessageStartingWith("strategies." + strategy + "." + key + " must be ")
                .withMessageMatching(".*, but was -1(\\.0)?");
    }
}
