package org.distributedtesting.recovery.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.junit.jupiter.api.Test;

class ConfiguredStrategiesTest {

    private static final Path SOURCE = Path.of("/etc/recovery/cluster.json");

    @Test
    void aStrategyRefusingItsSettingsIsAConfigErrorNamingTheFileAndTheKeyPath() {
        // Given
        RecoveryConfig config = config(Map.of("alpha", new Settings(Map.of("threshold", -1L))));
        SettingsException refusal = new SettingsException("alpha", "threshold", "must be > 0, but was -1");

        // When
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfiguredStrategies.check(config,
                () -> {
                    throw refusal;
                }));

        // Then
        assertThat(e.keyPath()).isEqualTo("strategies.alpha.threshold");
        assertThat(e.getMessage()).isEqualTo(SOURCE + ": strategies.alpha.threshold: must be > 0, but was -1");
        assertThat(e).hasCause(refusal);
    }

    @Test
    void anUnknownStrategyNameSuggestsANearOneAndListsTheKnownOnes() {
        // Given the test class path's providers: alpha and beta, and three that fail
        RecoveryConfig config = config(Map.of("alpah", Settings.EMPTY));

        // When
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfiguredStrategies.discover(config));

        // Then
        assertThat(e.keyPath()).isEqualTo("strategies.alpah");
        assertThat(e.getMessage()).startsWith(SOURCE + ": strategies.alpah: unknown strategy 'alpah' (did you mean"
                + " 'alpha'?); known strategies: alpha, beta; ").contains("Broken", "NoSuchProvider");
    }

    @Test
    void withoutAnyStrategyTheMessageSaysSoInsteadOfAnEmptyList() {
        // Given
        RecoveryConfig config = config(Map.of("slow_follower", Settings.EMPTY));

        // When
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfiguredStrategies.check(config, StrategyRegistry::new));

        // Then
        assertThat(e.getMessage()).isEqualTo(SOURCE + ": strategies.slow_follower: unknown strategy 'slow_follower';"
                + " no strategies are registered (no strategy provider was found on the class path)");
    }

    @Test
    void aConfigNamingOnlyKnownStrategiesGetsTheRegistry() {
        // Given
        RecoveryConfig config = config(Map.of("beta", new Settings(Map.of("threshold", 7L))));

        // When
        StrategyRegistry registry = ConfiguredStrategies.discover(config);

        // Then
        assertThat(registry.names()).containsExactly("alpha", "beta");
    }

    private static RecoveryConfig config(Map<String, Settings> strategies) {
        return new RecoveryConfig(SOURCE, List.of(NodeSpec.of("n1", "127.0.0.1", 1, Path.of("/d"))),
                Path.of("/r"), RecoveryOptions.defaults(), Set.of(), strategies);
    }
}
