package org.distributedtesting.recovery.examples.custom;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.spi.RecoveryStrategyProvider;
import org.distributedtesting.recovery.strategies.DatabaseCorruptionStrategy;
import org.distributedtesting.recovery.strategies.DeadlockStrategy;
import org.distributedtesting.recovery.strategies.LogCorruptionStrategy;
import org.distributedtesting.recovery.strategies.NetworkPartitionStrategy;
import org.distributedtesting.recovery.strategies.ProcessCrashStrategy;
import org.distributedtesting.recovery.strategies.ResourceExhaustionStrategy;
import org.distributedtesting.recovery.strategies.SlowFollowerStrategy;
import org.distributedtesting.recovery.strategies.SplitBrainStrategy;
import org.distributedtesting.recovery.strategies.StateDivergenceStrategy;
import org.distributedtesting.recovery.strategies.TermDivergenceStrategy;

/**
 * Contributes {@link PagingCrashStrategy} in place of the built-in {@code process_crash} strategy and
 * {@link CustomSplitBrainStrategy} in place of the built-in {@code split_brain}, and registers the set
 * {@value #CUSTOM_SET}: the coordinator's ten strategies as this jar configures them, which the daemon runs with
 * {@code --strategy custom} (the jar in its {@code --plugins} directory). Registered in {@code module-info.java}
 * ({@code provides ... with ...}) and in
 * {@code META-INF/services/org.distributedtesting.recovery.spi.RecoveryStrategyProvider}, so
 * {@code StrategyRegistry.discover(...)} finds it on the module path and on the class path alike.
 *
 * <p>Without {@link #replaces()} the registry would refuse two strategies named {@code process_crash} (and two
 * named {@code split_brain}); the engine takes one strategy per failure type, so a subclass of a built-in replaces
 * it rather than running beside it.
 *
 * <p>Stateless and thread-safe.
 */
public final class ExampleStrategies implements RecoveryStrategyProvider {

    /** The set of strategies {@code --strategy custom} selects. */
    public static final String CUSTOM_SET = "custom";

    /** Required by {@link java.util.ServiceLoader}. */
    public ExampleStrategies() {
    }

    @Override
    public List<RecoveryStrategy> strategies(Function<String, Settings> settings) {
        return List.of(new PagingCrashStrategy(settings.apply(ProcessCrashStrategy.NAME)),
                new CustomSplitBrainStrategy(settings.apply(SplitBrainStrategy.NAME)));
    }

    @Override
    public Set<String> replaces() {
        return Set.of(ProcessCrashStrategy.NAME, SplitBrainStrategy.NAME);
    }

    /** {@value #CUSTOM_SET}: every coordinator strategy, the two replaced ones included. */
    @Override
    public Map<String, Set<String>> strategySets() {
        Set<String> coordinator = new LinkedHashSet<>(List.of(SplitBrainStrategy.NAME, TermDivergenceStrategy.NAME,
                NetworkPartitionStrategy.NAME, ProcessCrashStrategy.NAME, LogCorruptionStrategy.NAME,
                DatabaseCorruptionStrategy.NAME, StateDivergenceStrategy.NAME, DeadlockStrategy.NAME,
                ResourceExhaustionStrategy.NAME, SlowFollowerStrategy.NAME));
        return Map.of(CUSTOM_SET, coordinator);
    }
}
