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

    /** The set of strategies that settle leadership. */
    public static final String LEADERSHIP = "leadership";

    /** The set of strategies that keep nodes' data intact and consistent. */
    public static final String DATA = "data";

    /** Required by {@link java.util.ServiceLoader}. */
    public BuiltInStrategies() {
    }

    @Override
    public List<RecoveryStrategy> strategies(Function<String, Settings> settings) {
        return List.of(new ProcessCrashStrategy(settings.apply(ProcessCrashStrategy.NAME)),
                new TermDivergenceStrategy(settings.apply(TermDivergenceStrategy.NAME)),
                new StateDivergenceStrategy(settings.apply(StateDivergenceStrategy.NAME)));
    }

    @Override
    public Map<String, Set<String>> strategySets() {
        return Map.of(AVAILABILITY, Set.of(ProcessCrashStrategy.NAME),
                LEADERSHIP, Set.of(TermDivergenceStrategy.NAME),
                DATA, Set.of(StateDivergenceStrategy.NAME));
    }
}
