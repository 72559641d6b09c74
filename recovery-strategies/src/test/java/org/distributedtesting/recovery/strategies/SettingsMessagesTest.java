package org.distributedtesting.recovery.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every setting of every built-in strategy is read through {@link SettingsReader}, so every invalid value fails
 * with one message shape that names the full config key and the value, and every key a strategy does not read is
 * refused, naming the keys it does.
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
            term_divergence,     max_term_ahead
            term_divergence,     leaderless_window
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

    private static final List<String> STRATEGIES = List.of("split_brain", "term_divergence", "network_partition",
            "process_crash", "log_corruption", "database_corruption", "state_divergence", "deadlock",
            "resource_exhaustion", "slow_follower");

    /** The keys of {@link #EVERY_KEY} of one strategy, sorted, as an unknown key's message lists them. */
    private static List<String> keysOf(String strategy) {
        return EVERY_KEY.lines().map(line -> line.split(",\\s*")).filter(parts -> parts[0].strip().equals(strategy))
                .map(parts -> parts[1].strip()).sorted().toList();
    }

    private static void build(String strategy, Settings settings) {
        new BuiltInStrategies().strategies(name -> name.equals(strategy) ? settings : Settings.EMPTY);
    }

    @ParameterizedTest(name = "{0}.{1}")
    @CsvSource(textBlock = EVERY_KEY)
    void aValueOfTheWrongTypeIsRejectedWithTheFullKeyAndTheValue(String strategy, String key) {
        // Given
        Settings settings = new Settings(Map.of(key, "lots"));

        // When / Then
        assertThatExceptionOfType(SettingsException.class).isThrownBy(() -> build(strategy, settings))
                .withMessageStartingWith("strategies." + strategy + "." + key + " must be ")
                .withMessageEndingWith(", but was lots");
    }

    @ParameterizedTest(name = "{0}.{1}")
    @CsvSource(textBlock = EVERY_KEY)
    void aNegativeValueIsRejectedWithTheFullKeyAndTheValue(String strategy, String key) {
        // Given
        Settings settings = new Settings(Map.of(key, -1L));

        // When / Then
        assertThatExceptionOfType(SettingsException.class).isThrownBy(() -> build(strategy, settings))
                .withMessageStartingWith("strategies." + strategy + "." + key + " must be ")
                .withMessageMatching(".*, but was -1(\\.0)?");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void anUnknownKeyIsRefusedWithTheKeysTheStrategyKnows(String strategy) {
        // Given
        Settings settings = new Settings(Map.of("colour", "red"));
        List<String> known = keysOf(strategy);

        // When / Then
        assertThatExceptionOfType(SettingsException.class).isThrownBy(() -> build(strategy, settings))
                .withMessage("strategies." + strategy + ".colour unknown key 'colour'; " + (known.isEmpty()
                        ? strategy + " has no settings" : "known keys are " + String.join(", ", known)))
                .satisfies(e -> assertThat(e.keyPath()).isEqualTo("strategies." + strategy + ".colour"));
    }

    @ParameterizedTest(name = "{0}.{1}")
    @CsvSource(textBlock = EVERY_KEY)
    void aMisspeltKeyIsRefusedWithTheKeyItWasMeantToBe(String strategy, String key) {
        // Given the key with its last two letters swapped
        String misspelt = key.substring(0, key.length() - 2) + key.charAt(key.length() - 1)
                + key.charAt(key.length() - 2);
        Settings settings = new Settings(Map.of(misspelt, 1L));

        // When / Then
        assertThatExceptionOfType(SettingsException.class).isThrownBy(() -> build(strategy, settings))
                .withMessage("strategies." + strategy + "." + misspelt + " unknown key '" + misspelt
                        + "'; did you mean '" + key + "'?");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void theDefaultsAreAccepted(String strategy) {
        build(strategy, Settings.EMPTY);
    }

    @Test
    void aNumberBeyondTheRangeOfALongIsRefusedRatherThanClamped() {
        // Given
        Settings settings = new Settings(Map.of("max_lag_entries", 1e300));

        // When / Then
        assertThatExceptionOfType(SettingsException.class).isThrownBy(() -> build("slow_follower", settings))
                .withMessage("strategies.slow_follower.max_lag_entries must be a whole number in the 64-bit range,"
                        + " but was 1.0E300");
    }

    @Test
    void aLearnerThatIsNoNodeIdIsRefusedAndShownEscaped() {
        // Given
        Settings settings = new Settings(Map.of("permanent_learners", List.of("node-4", "node 5\n")));

        // When / Then
        assertThatExceptionOfType(SettingsException.class).isThrownBy(() -> build("slow_follower", settings))
                .withMessage("strategies.slow_follower.permanent_learners must be a list of node ids, but held"
                        + " node 5\\n");
    }

    static List<String> strategies() {
        return STRATEGIES;
    }
}
