package org.distributedtesting.recovery.strategies;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.spi.RecoveryStrategyProvider;

/**
 * Contributes the ten built-in strategies to the registry through {@link java.util.ServiceLoader}, in precedence
 * order, and their named sets for {@code --strategy NAME}.
 *
 * <p>Thread-safe and stateless.
 */
public final class BuiltInStrategies implements RecoveryStrategyProvider {

    /** The set of strategies that keep nodes' processes running and reachable. */
    public static final String AVAILABILITY = "availability";

    /** The set of strategies that keep exactly one leader in the highest term. */
    public static final String LEADERSHIP = "leadership";

    /** The set of strategies that repair nodes' data: their database, their log and their state. */
    public static final String DATA = "data";

    /** The set of strategies that keep nodes doing their work: deadlock, resource exhaustion, slow follower. */
    public static final String PERFORMANCE = "performance";

    /** Required by {@link java.util.ServiceLoader}. */
    public BuiltInStrategies() {
    }

    @Override
    public List<RecoveryStrategy> strategies(Function<String, Settings> settings) {
        return List.of(
                new SplitBrainStrategy(settings.apply(SplitBrainStrategy.NAME)),
                new TermDivergenceStrategy(settings.apply(TermDivergenceStrategy.NAME)),
                new NetworkPartitionStrategy(settings.apply(NetworkPartitionStrategy.NAME)),
                new ProcessCrashStrategy(settings.apply(ProcessCrashStrategy.NAME)),
                new LogCorruptionStrategy(settings.apply(LogCorruptionStrategy.NAME)),
                new DatabaseCorruptionStrategy(settings.apply(DatabaseCorruptionStrategy.NAME)),
                new StateDivergenceStrategy(settings.apply(StateDivergenceStrategy.NAME)),
                new DeadlockStrategy(settings.apply(DeadlockStrategy.NAME)),
                new ResourceExhaustionStrategy(settings.apply(ResourceExhaustionStrategy.NAME)),
                new SlowFollowerStrategy(settings.apply(SlowFollowerStrategy.NAME)));
    }

    @Override
    public Map<String, Set<String>> strategySets() {
        return Map.of(
                AVAILABILITY, Set.of(ProcessCrashStrategy.NAME, NetworkPartitionStrategy.NAME),
                LEADERSHIP, Set.of(SplitBrainStrategy.NAME, TermDivergenceStrategy.NAME),
                DATA, Set.of(LogCorruptionStrategy.NAME, DatabaseCorruptionStrategy.NAME,
                        StateDivergenceStrategy.NAME),
                PERFORMANCE, Set.of(DeadlockStrategy.NAME, ResourceExhaustionStrategy.NAME,
                        SlowFollowerStrategy.NAME));
    }
}
