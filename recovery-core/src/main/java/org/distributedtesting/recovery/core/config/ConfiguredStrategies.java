package org.distributedtesting.recovery.core.config;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.distributedtesting.recovery.SettingsException;
import org.distributedtesting.recovery.core.StrategyRegistry;

/**
 * The half of a configuration's validation that needs the strategies: each strategy reads and checks its own
 * settings when it is created ({@link SettingsException} for an unknown key or a wrong value), and every name under
 * {@code strategies} must be a strategy's. Both become {@link ConfigException}s naming the file and the key path,
 * {@code strategies.slow_follower.max_lag_entries}, like the loader's own.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfiguredStrategies {

    private ConfiguredStrategies() {
    }

    /**
     * The strategies the providers on the class path contribute, created with {@code config}'s settings.
     *
     * @throws ConfigException if a strategy refuses its settings, or {@code strategies} names no strategy; the
     *                         message names the file and the key path
     * @throws IllegalStateException if two providers contribute strategies of one name
     */
    public static StrategyRegistry discover(RecoveryConfig config) {
        Objects.requireNonNull(config, "config");
        return check(config, () -> StrategyRegistry.discover(config::settingsFor));
    }

    /**
     * As {@link #discover(RecoveryConfig)}, with the providers {@code loader} and its parents see (the daemon's
     * plugin jars).
     *
     * @throws ConfigException if a strategy refuses its settings, or {@code strategies} names no strategy
     * @throws IllegalStateException if two providers contribute strategies of one name
     */
    public static StrategyRegistry discover(RecoveryConfig config, ClassLoader loader) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(loader, "loader");
        return check(config, () -> StrategyRegistry.discover(config::settingsFor, loader));
    }

    /** {@link #discover(RecoveryConfig)} with the registry {@code discovery} makes. */
    static StrategyRegistry check(RecoveryConfig config, Supplier<StrategyRegistry> discovery) {
        ConfigReader reader = new ConfigReader(config.source().toString());
        StrategyRegistry registry;
        try {
            registry = discovery.get();
        } catch (SettingsException e) {
            throw reader.fail(e.keyPath(), e.problem(), e);
        }
        for (String name : config.strategySettings().keySet()) {
            if (!registry.names().contains(name)) {
                throw reader.fail(ConfigReader.child(StrategiesSection.KEY, name), unknown(name, registry));
            }
        }
        return registry;
    }

    /** Never an empty list: without strategies, it says so, and why when a provider failed. */
    private static String unknown(String name, StrategyRegistry registry) {
        List<String> known = registry.names();
        List<String> problems = registry.problems();
        String failed = problems.isEmpty() ? "" : "; " + String.join("; ", problems);
        if (known.isEmpty()) {
            return "unknown strategy " + ConfigReader.quote(name) + "; no strategies are registered"
                    + (problems.isEmpty() ? " (no strategy provider was found on the class path)" : failed);
        }
        String suggestion = KeySuggestion.closest(name, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
        return "unknown strategy " + ConfigReader.quote(name) + suggestion + "; known strategies: "
                + String.join(", ", known) + failed;
    }
}
