package org.distributedtesting.recovery.spi;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;

/**
 * Contributes strategies to the registry through {@link java.util.ServiceLoader}. Register an implementation in
 * both {@code module-info.java} ({@code provides ... with ...}) and
 * {@code META-INF/services/org.distributedtesting.recovery.spi.RecoveryStrategyProvider}.
 *
 * <p>Implementations need a public no-argument constructor and must be thread-safe.
 */
public interface RecoveryStrategyProvider {

    /**
     * Creates this provider's strategies.
     *
     * @param settings each strategy's tuning from the config file, by strategy name; {@link Settings#EMPTY} for
     *                 a name the file does not mention
     * @throws org.distributedtesting.recovery.SettingsException if a strategy refuses its settings (an unknown key,
     *                 a wrong value); discovery then fails with it, where any other exception only skips the
     *                 provider
     */
    List<RecoveryStrategy> strategies(Function<String, Settings> settings);

    /**
     * Names of strategies from other providers (usually the built-ins) that this provider's strategies of the same
     * name replace on purpose. Without this, two strategies of one name are an error. None by default.
     */
    default Set<String> replaces() {
        return Set.of();
    }

    /**
     * Named sets of strategy names this provider defines, for {@code --strategy NAME} (for example
     * {@code "leadership" -> {"split_brain", "term_divergence"}}). None by default.
     */
    default Map<String, Set<String>> strategySets() {
        return Map.of();
    }
}
