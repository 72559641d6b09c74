package org.distributedtesting.recovery;

import java.util.Objects;

/**
 * A strategy refuses its {@link Settings}: a key it does not know, or a value it cannot use. The message names the
 * full config key, {@code strategies.<strategy>.<key>}, and the problem, for example
 * {@code strategies.slow_follower.max_lag_entries must be > 0, but was -1}. Strategy discovery lets it through
 * rather than dropping the strategy's provider, since the configuration is wrong, not the provider.
 *
 * <p>Immutable once thrown.
 */
public class SettingsException extends RecoveryException {

    private static final long serialVersionUID = 1L;

    private final String strategy;
    private final String key;
    private final String problem;

    /**
     * @param strategy the strategy's name, as under {@code strategies} in the config file
     * @param key      the setting's key
     * @param problem  what is wrong, for example {@code "must be > 0, but was -1"}
     * @throws NullPointerException if an argument is null
     */
    public SettingsException(String strategy, String key, String problem) {
        this(strategy, key, problem, null);
    }

    /**
     * @param strategy the strategy's name, as under {@code strategies} in the config file
     * @param key      the setting's key
     * @param problem  what is wrong, for example {@code "must be a whole number, but was lots"}
     * @param cause    the underlying error, or null
     * @throws NullPointerException if {@code strategy}, {@code key} or {@code problem} is null
     */
    public SettingsException(String strategy, String key, String problem, Throwable cause) {
        super(keyPath(strategy, key) + " " + Objects.requireNonNull(problem, "problem"), cause);
        this.strategy = strategy;
        this.key = key;
        this.problem = problem;
    }

    private static String keyPath(String strategy, String key) {
        return "strategies." + Objects.requireNonNull(strategy, "strategy") + "." + Objects.requireNonNull(key, "key");
    }

    /** The strategy's name. */
    public String strategy() {
        return strategy;
    }

    /** The setting's key within the strategy's settings. */
    public String key() {
        return key;
    }

    /** The full config key path, {@code strategies.<strategy>.<key>}. */
    public String keyPath() {
        return keyPath(strategy, key);
    }

    /** What is wrong, without the key path: {@code "must be > 0, but was -1"}. */
    public String problem() {
        return problem;
    }
}
