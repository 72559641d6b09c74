package org.distributedtesting.recovery.examples.custom;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.spi.RecoveryStrategyProvider;
import org.distributedtesting.recovery.strategies.ProcessCrashStrategy;

/**
 * Contributes {@link PagingCrashStrategy} in place of the built-in {@code process_crash} strategy. Registered in
 * {@code module-info.java} ({@code provides ... with ...}) and in
 * {@code META-INF/services/org.distributedtesting.recovery.spi.RecoveryStrategyProvider}, so
 * {@code StrategyRegistry.discover(...)} finds it on the module path and on the class path alike.
 *
 * <p>Without {@link #replaces()} the registry would refuse two strategies named {@code process_crash}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ExampleStrategies implements RecoveryStrategyProvider {

    /** Required by {@link java.util.ServiceLoader}. */
    public ExampleStrategies() {
    }

    @Override
    public List<RecoveryStrategy> strategies(Function<String, Settings> settings) {
        return List.of(new PagingCrashStrategy(settings.apply(ProcessCrashStrategy.NAME)));
    }

    @Override
    public Set<String> replaces() {
        return Set.of(ProcessCrashStrategy.NAME);
    }
}
