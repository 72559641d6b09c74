package org.distributedtesting.recovery.strategies.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distributedtesting.recovery.strategies.cli.RecoveryDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 5: a misspelt key under {@code strategies.<name>} passed silently (the strategy used its default),
 * and a wrong value made the built-in provider fail during discovery, which the registry reported as a broken
 * provider and dropped, so the daemon then called the strategy unknown and listed no known strategies at all
 * ({@code strategies.slow_follower: unknown strategy; known strategies: }). Both are now refused with one line
 * naming {@code strategies.<name>.<key>}.
 */
class StrategySettingsPassedUnseenOrHidEveryStrategyTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void aMisspeltSettingIsRefusedWithTheKnownOne() throws Exception {
        // Given
        Path config = config("\"slow_follower\": {\"max_lag_entires\": 500}");

        // When
        int exit = run(config);

        // Then
        assertThat(exit).isEqualTo(RecoveryDaemon.USAGE);
        assertThat(err()).isEqualTo("recovery: " + config + ": strategies.slow_follower.max_lag_entires: unknown"
                + " key 'max_lag_entires'; did you mean 'max_lag_entries'?" + System.lineSeparator());
    }

    @Test
    void anUnknownSettingWithoutANearMissListsTheKnownKeys() throws Exception {
        // Given
        Path config = config("\"deadlock\": {\"colour\": \"red\"}");

        // When
        int exit = run(config);

        // Then
        assertThat(exit).isEqualTo(RecoveryDaemon.USAGE);
        assertThat(err()).isEqualTo("recovery: " + config + ": strategies.deadlock.colour: unknown key 'colour';"
                + " known keys are max_not_serving, max_operation_age, stall_cycles" + System.lineSeparator());
    }

    @Test
    void aSettingForAStrategyWithoutSettingsIsRefused() throws Exception {
        // Given
        Path config = config("\"split_brain\": {\"max_leaders\": 1}");

        // When
        int exit = run(config);

        // Then
        assertThat(exit).isEqualTo(RecoveryDaemon.USAGE);
        assertThat(err()).isEqualTo("recovery: " + config + ": strategies.split_brain.max_leaders: unknown key"
                + " 'max_leaders'; split_brain has no settings" + System.lineSeparator());
    }

    @Test
    void aWrongValueIsRefusedNamingItsKeyAndTheStrategiesStayKnown() throws Exception {
        // Given
        Path config = config("\"slow_follower\": {\"max_lag_entries\": -5}");

        // When
        int exit = run(config);

        // Then
        assertThat(exit).isEqualTo(RecoveryDaemon.USAGE);
        assertThat(err()).isEqualTo("recovery: " + config + ": strategies.slow_follower.max_lag_entries: must be"
                + " > 0, but was -5" + System.lineSeparator());
    }

    @Test
    void aWrongValueNextToAMisspeltStrategyStillListsEveryKnownStrategy() throws Exception {
        // Given a wrong value for one strategy, and a second strategy name with a typo
        Path config = config("\"slow_follower\": {\"max_lag_entries\": \"lots\"}, \"proces_crash\": {}");

        // When
        int exit = run(config);

        // Then the first problem the daemon meets is the value, not an empty list of strategies
        assertThat(exit).isEqualTo(RecoveryDaemon.USAGE);
        assertThat(err()).contains("strategies.slow_follower.max_lag_entries: must be a whole number, but was lots")
                .doesNotContain("known strategies: " + System.lineSeparator());
    }

    @Test
    void aMisspeltStrategyListsTheKnownOnesWithTheNearestFirst() throws Exception {
        // Given
        Path config = config("\"proces_crash\": {}");

        // When
        int exit = run(config);

        // Then
        assertThat(exit).isEqualTo(RecoveryDaemon.USAGE);
        assertThat(err()).startsWith("recovery: " + config + ": strategies.proces_crash: unknown strategy"
                + " 'proces_crash' (did you mean 'process_crash'?); known strategies: database_corruption, deadlock,");
    }

    private Path config(String strategies) throws Exception {
        return Files.writeString(dir.resolve("cluster.json"), "{\"nodes\": [{\"id\": \"n1\", \"host\": \"127.0.0.1\","
                + " \"port\": 1, \"data_dir\": \"d\"}], \"recovery_dir\": \"r\", \"strategies\": {" + strategies
                + "}}");
    }

    private int run(Path config) {
        return RecoveryDaemon.run(new String[] {"--config", config.toString(), "--once", "--timeout", "1"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
