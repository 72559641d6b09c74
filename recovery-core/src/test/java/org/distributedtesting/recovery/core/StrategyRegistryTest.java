package org.distributedtesting.recovery.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;
import org.distributedtesting.recovery.core.RegistryTestProviders.BetterAlpha;
import org.distributedtesting.recovery.core.RegistryTestProviders.NamedStrategy;
import org.distributedtesting.recovery.spi.RecoveryStrategyProvider;
import org.junit.jupiter.api.Test;

class StrategyRegistryTest {

    @Test
    void discoversProvidersWithServiceLoaderAndReportsEachBrokenOneWithoutFailing() {
        StrategyRegistry registry = StrategyRegistry.discover(name -> Settings.EMPTY);

        assertThat(registry.names()).containsExactly("alpha", "beta");
        assertThat(registry.problems()).hasSize(3);
        assertThat(registry.problems()).anySatisfy(p -> assertThat(p).contains("NoSuchProvider"));
        assertThat(registry.problems()).anySatisfy(p -> assertThat(p).contains("Broken"));
        assertThat(registry.problems()).anySatisfy(p -> assertThat(p).contains("cannot create strategies"));
    }

    @Test
    void aStrategyRefusingItsSettingsFailsDiscoveryInsteadOfDroppingItsProvider() {
        // Given a provider whose strategy refuses a setting, next to one that works
        SettingsException refusal = new SettingsException("alpha", "threshold", "must be > 0, but was -1");
        RecoveryStrategyProvider refusing = settings -> {
            throw refusal;
        };

        // When / Then
        assertThatThrownBy(() -> StrategyRegistry.discover(name -> Settings.EMPTY,
                List.of(new RegistryTestProviders.Good(), refusing))).isSameAs(refusal);
    }

    @Test
    void aProviderCanReplaceABuiltInStrategyExplicitly() {
        StrategyRegistry registry = StrategyRegistry.discover(name -> Settings.EMPTY);

        assertThat(registry.resolve("alpha")).singleElement().isInstanceOf(BetterAlpha.class);
    }

    @Test
    void passesEachStrategyItsOwnSettings() {
        Settings alpha = new Settings(Map.of("threshold", 7L));
        StrategyRegistry registry = StrategyRegistry.discover(name -> name.equals("alpha") ? alpha : Settings.EMPTY);

        assertThat(((NamedStrategy) registry.resolve("alpha").get(0)).seen).isEqualTo(alpha);
        assertThat(((NamedStrategy) registry.resolve("beta").get(0)).seen).isEqualTo(Settings.EMPTY);
    }

    @Test
    void rejectsTwoStrategiesOfOneNameNamingBothClasses() {
        StrategyRegistry registry = new StrategyRegistry()
                .register(new NamedStrategy("alpha", FailureType.DEADLOCK, Settings.EMPTY));

        assertThatThrownBy(() -> registry.register(new BetterAlpha(Settings.EMPTY)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two strategies are named 'alpha'")
                .hasMessageContaining(NamedStrategy.class.getName())
                .hasMessageContaining(BetterAlpha.class.getName());
    }

    @Test
    void replacesARegisteredStrategyByCode() {
        StrategyRegistry registry = new StrategyRegistry()
                .register(new NamedStrategy("alpha", FailureType.DEADLOCK, Settings.EMPTY));

        RecoveryStrategy old = registry.replace(new BetterAlpha(Settings.EMPTY));

        assertThat(old).isExactlyInstanceOf(NamedStrategy.class);
        assertThat(registry.resolve("alpha")).singleElement().isInstanceOf(BetterAlpha.class);
    }

    @Test
    void replacingAnUnknownStrategyListsTheKnownOnes() {
        StrategyRegistry registry = new StrategyRegistry()
                .register(new NamedStrategy("beta", FailureType.DEADLOCK, Settings.EMPTY));

        assertThatThrownBy(() -> registry.replace(new BetterAlpha(Settings.EMPTY)))
                .isInstanceOf(UnknownStrategyException.class)
                .hasMessage("unknown strategy 'alpha'; known strategies: beta; known sets: all");
    }

    @Test
    void resolvesAllASetAStrategyOrACommaSeparatedMixInPrecedenceOrder() {
        StrategyRegistry registry = new StrategyRegistry()
                .register(new NamedStrategy("slow", FailureType.SLOW_FOLLOWER, Settings.EMPTY))
                .register(new NamedStrategy("split", FailureType.SPLIT_BRAIN, Settings.EMPTY))
                .register(new NamedStrategy("crash", FailureType.PROCESS_CRASH, Settings.EMPTY))
                .registerSet("leadership", Set.of("split"));

        assertThat(names(registry.resolve("all"))).containsExactly("split", "crash", "slow");
        assertThat(names(registry.resolve("leadership"))).containsExactly("split");
        assertThat(names(registry.resolve("slow, leadership"))).containsExactly("split", "slow");
        assertThat(names(registry.resolve("crash"))).containsExactly("crash");
    }

    @Test
    void anUnknownNameListsTheKnownStrategiesAndSets() {
        StrategyRegistry registry = new StrategyRegistry()
                .register(new NamedStrategy("crash", FailureType.PROCESS_CRASH, Settings.EMPTY))
                .registerSet("availability", Set.of("crash"));

        assertThatThrownBy(() -> registry.resolve("crash,typo"))
                .isInstanceOf(UnknownStrategyException.class)
                .hasMessage("unknown strategy 'typo'; known strategies: crash; known sets: all, availability");
    }

    private static List<String> names(List<RecoveryStrategy> strategies) {
        return strategies.stream().map(RecoveryStrategy::name).toList();
    }
}
