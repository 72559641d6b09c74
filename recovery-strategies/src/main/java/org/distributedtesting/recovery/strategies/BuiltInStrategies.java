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

    /** The set of strategies that keep nodes doing their work: deadlock, resource exhaustion, slow follower. */
    public static final String PERFORMANCE = "performance";

    /** Required by {@link java.util.ServiceLoader}. */
    public BuiltInStrategies() {
    }

    @Override
    public List<RecoveryStrategy> strategies(Function<String, Settings> settings) {
        return List.of(new ProcessCrashStrategy(settings.apply(ProcessCrashStrategy.NAME)),
                new DeadlockStrategy(settings.apply(DeadlockStrategy.NAME)),
                new ResourceExhaustionStrategy(settings.apply(ResourceExhaustionStrategy.NAME)),
                new SlowFollowerStrategy(settings.apply(SlowFollowerStrategy.NAME)));
    }

    @Override
    public Map<String, Set<String>> strategySets() {
        return Map.of(AVAILABILITY, Set.of(ProcessCrashStrategy.NAME),
                PERFORMANCE, Set.of(DeadlockStrategy.NAME, ResourceExhaustionStrategy.NAME, SlowFollowerStrategy.NAME));
    }
}
