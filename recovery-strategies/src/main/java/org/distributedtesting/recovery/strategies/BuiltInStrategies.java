package org.distributedtesting.recovery.strategies;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.spi.RecoveryStrategyProvider;

/**
 * Contributes the built-in strategies to the registry through {@link java.util.ServiceLoader}.
 *
 * <p>Thread-safe and stateless.
 */
public final class BuiltInStrategies implements RecoveryStrategyProvider {

    /** The set of strategies that keep nodes' processes running. */
    public static final String AVAILABILITY = "availability";

    /** The set of strategies that keep exactly one leader in the highest term. */
    public static final String LEADERSHIP = "leadership";

    /** Required by {@link java.util.ServiceLoader}. */
    public BuiltInStrategies() {
    }

    @Override
    public List<RecoveryStrategy> strategies(Function<String, Settings> settings) {
        return List.of(new ProcessCrashStrategy(settings.apply(ProcessCrashStrategy.NAME)),
                new NetworkPartitionStrategy(settings.apply(NetworkPartitionStrategy.NAME)),
                new SplitBrainStrategy(settings.apply(SplitBrainStrategy.NAME)));
    }

    @Override
    public Map<String, Set<String>> strategySets() {
        return Map.of(AVAILABILITY, Set.of(ProcessCrashStrategy.NAME, NetworkPartitionStrategy.NAME),
                LEADERSHIP, Set.of(SplitBrainStrategy.NAME));
    }
}
