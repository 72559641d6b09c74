package org.distributedtesting.recovery.core.sim.junit;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
import org.junit.jupiter.api.extension.ParameterResolutionException;

/**
 * Builds the {@link SimulatedRecovery} a {@link SimRecovery} annotation describes.
 *
 * <p>Stateless and thread-safe.
 */
final class RecoveryFactory {

    private RecoveryFactory() {
    }

    /**
     * A recovery on {@code cluster} as {@code config} says, or with discovered strategies and default options when
     * it is null.
     *
     * @throws ParameterResolutionException naming what could not be built
     */
    static SimulatedRecovery build(SimulatedCluster cluster, SimRecovery config) {
        List<RecoveryStrategy> strategies = config == null || config.strategies().length == 0 ? discovered()
                : instantiate(config.strategies());
        RecoveryOptions options;
        try {
            options = config == null ? RecoveryOptions.defaults() : RecoveryOptions.builder()
                    .maxRestartAttempts(config.maxRestartAttempts())
                    .confirmations(config.confirmations())
                    .autoRestart(config.autoRestart())
                    .dryRun(config.dryRun())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterResolutionException("invalid " + config + ": " + e.getMessage(), e);
        }
        try {
            return SimulatedRecovery.of(cluster, strategies, options);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterResolutionException("cannot build the recovery engine with " + strategies + ": "
                    + e.getMessage(), e);
        }
    }

    private static List<RecoveryStrategy> discovered() {
        StrategyRegistry registry;
        try {
            registry = StrategyRegistry.discover(name -> Settings.EMPTY);
        } catch (IllegalStateException e) {
            throw new ParameterResolutionException("strategy discovery failed: " + e.getMessage(), e);
        }
        if (registry.all().isEmpty()) {
            throw new ParameterResolutionException("no recovery strategy was found through ServiceLoader"
                    + (registry.problems().isEmpty() ? "" : " (problems: " + registry.problems() + ")")
                    + "; name them with @SimRecovery(strategies = ...)");
        }
        return registry.all();
    }

    private static List<RecoveryStrategy> instantiate(Class<? extends RecoveryStrategy>[] types) {
        List<RecoveryStrategy> strategies = new ArrayList<>();
        for (Class<? extends RecoveryStrategy> type : types) {
            strategies.add(instantiate(type));
        }
        return strategies;
    }

    private static RecoveryStrategy instantiate(Class<? extends RecoveryStrategy> type) {
        Constructor<? extends RecoveryStrategy> constructor;
        Object[] arguments;
        try {
            constructor = type.getConstructor(Settings.class);
            arguments = new Object[] {Settings.EMPTY};
        } catch (NoSuchMethodException withoutSettings) {
            try {
                constructor = type.getConstructor();
                arguments = new Object[0];
            } catch (NoSuchMethodException e) {
                throw new ParameterResolutionException("strategy " + type.getName() + " needs a public constructor "
                        + "taking Settings or none; build the recovery with SimulatedRecovery.of(...) instead", e);
            }
        }
        try {
            return constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            throw new ParameterResolutionException("constructor of strategy " + type.getName() + " failed: "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new ParameterResolutionException("cannot construct strategy " + type.getName() + ": " + e, e);
        }
    }
}
