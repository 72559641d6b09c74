package org.distributedtesting.recovery.examples.custom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureDetector;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.spi.RecoveryStrategyProvider;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.distributedtesting.recovery.strategies.NetworkPartitionStrategy;
import org.distributedtesting.recovery.strategies.ProcessCrashStrategy;
import org.distributedtesting.recovery.strategies.SplitBrainStrategy;
import org.junit.jupiter.api.Test;

class StrategyRegistrationTest {

    @Test
    void serviceLoaderSeesTheBuiltInAndTheExampleProvider() {
        // Given the test class path: recovery-strategies and this example

        // When
        List<Class<?>> providers = ServiceLoader.load(RecoveryStrategyProvider.class).stream()
                .<Class<?>>map(ServiceLoader.Provider::type).toList();

        // Then
        assertThat(providers).contains(BuiltInStrategies.class, ExampleStrategies.class);
    }

    @Test
    void discoveryResolvesProcessCrashToThePagingSubclass() {
        // Given both providers contribute a strategy named process_crash, and ExampleStrategies declares replaces()

        // When
        StrategyRegistry registry = StrategyRegistry.discover(name -> Settings.EMPTY);

        // Then
        assertThat(registry.problems()).isEmpty();
        assertThat(registry.resolve(ProcessCrashStrategy.NAME)).singleElement()
                .isInstanceOf(PagingCrashStrategy.class);
    }

    @Test
    void builtInSetResolvesToTheReplacement() {
        // Given
        StrategyRegistry registry = StrategyRegistry.discover(name -> Settings.EMPTY);

        // When
        List<RecoveryStrategy> availability = registry.resolve(BuiltInStrategies.AVAILABILITY);

        // Then: the set's crash strategy is the replacement; its partition strategy stays the built-in one
        assertThat(availability).extracting(RecoveryStrategy::name)
                .containsExactlyInAnyOrder(ProcessCrashStrategy.NAME, NetworkPartitionStrategy.NAME);
        assertThat(availability).filteredOn(s -> s.name().equals(ProcessCrashStrategy.NAME)).singleElement()
                .isInstanceOf(PagingCrashStrategy.class);
        assertThat(availability).filteredOn(s -> s.name().equals(NetworkPartitionStrategy.NAME)).singleElement()
                .isExactlyInstanceOf(NetworkPartitionStrategy.class);
    }

    @Test
    void replacementReceivesTheSettingsOfItsName() {
        // Given
        Settings tuned = new Settings(Map.of("catch_up_lag_entries", 10));

        // When
        StrategyRegistry registry = StrategyRegistry.discover(
                name -> name.equals(ProcessCrashStrategy.NAME) ? tuned : Settings.EMPTY);

        // Then
        assertThat(registry.resolve(ProcessCrashStrategy.NAME)).singleElement()
                .isInstanceOfSatisfying(PagingCrashStrategy.class,
                        s -> assertThat(s.catchUpLagEntries()).isEqualTo(10));
    }

    @Test
    void customSetIsEveryCoordinatorStrategyWithTheSplitBrainSubclass() {
        // Given ExampleStrategies replaces split_brain and registers the set 'custom'
        StrategyRegistry registry = StrategyRegistry.discover(name -> Settings.EMPTY);

        // When
        List<RecoveryStrategy> custom = registry.resolve(ExampleStrategies.CUSTOM_SET);

        // Then: the ten coordinator strategies, split brain and crash as this example configures them
        assertThat(custom).hasSize(10).extracting(RecoveryStrategy::name).doesNotHaveDuplicates();
        assertThat(custom).filteredOn(s -> s.name().equals(SplitBrainStrategy.NAME)).singleElement()
                .isInstanceOf(CustomSplitBrainStrategy.class);
        assertThat(custom).filteredOn(s -> s.name().equals(ProcessCrashStrategy.NAME)).singleElement()
                .isInstanceOf(PagingCrashStrategy.class);
        assertThat(registry.resolve(StrategyRegistry.ALL)).containsExactlyInAnyOrderElementsOf(custom);
    }

    @Test
    void registersFromScratchStrategyByCode() {
        // Given
        StrategyRegistry registry = StrategyRegistry.discover(name -> Settings.EMPTY);
        DiskAlarmStrategy diskAlarm = new DiskAlarmStrategy();

        // When
        registry.register(diskAlarm);

        // Then
        assertThat(registry.resolve(DiskAlarmStrategy.NAME)).containsExactly(diskAlarm);
        // next to every built-in, however many there are
        assertThat(registry.all()).extracting(RecoveryStrategy::name)
                .contains(ProcessCrashStrategy.NAME, DiskAlarmStrategy.NAME).doesNotHaveDuplicates();
    }

    @Test
    void secondStrategyOfTheSameNameIsRefusedNamingBothClasses() {
        // Given
        StrategyRegistry registry = StrategyRegistry.discover(name -> Settings.EMPTY);
        registry.register(new DiskAlarmStrategy());

        // When / Then
        assertThatThrownBy(() -> registry.register(new OtherDiskAlarm()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'" + DiskAlarmStrategy.NAME + "'")
                .hasMessageContaining(DiskAlarmStrategy.class.getName())
                .hasMessageContaining(OtherDiskAlarm.class.getName());
        assertThat(registry.resolve(DiskAlarmStrategy.NAME)).singleElement().isInstanceOf(DiskAlarmStrategy.class);
    }

    /** Another host's strategy that happens to take the same name. */
    private static final class OtherDiskAlarm implements RecoveryStrategy {
        @Override
        public String name() {
            return DiskAlarmStrategy.NAME;
        }

        @Override
        public FailureType type() {
            return FailureType.custom("disk_full", 96);
        }

        @Override
        public FailureDetector detector() {
            return (ClusterSnapshot snapshot, ClusterHistory history) -> List.of();
        }

        @Override
        public List<String> rungs() {
            return List.of("alert");
        }

        @Override
        public RungResult attempt(int rung, Failure failure, RecoveryContext context) {
            return RungResult.skipped("alert only");
        }
    }
}
