package org.distributedtesting.recovery.core.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.coordination.zookeeper.ZooKeeperSettings;

/**
 * A validated cluster configuration, as {@link ConfigLoader} reads it from the JSON file.
 *
 * <p>Immutable and thread-safe: the compact constructor copies every collection.
 *
 * @param source           where the configuration came from: the file {@link ConfigLoader#load(Path)} read, or
 *                         the base directory given to {@link ConfigLoader#parse(String, Path)}
 * @param nodes            the cluster's nodes in file order; not empty, ids unique
 * @param recoveryDir      where backups and recovery artifacts go (seed: {@code recovery_dir})
 * @param options          the engine's policy (seed: {@code recovery_options})
 * @param failureTypes     the failure types to watch, in precedence order; empty means all of them
 * @param strategySettings each strategy's tuning by strategy name (config: {@code strategies})
 * @param controlTokenFile the file holding the node protocol's control token (config: {@code control_token_file});
 *                         when present it is used instead of the environment variable
 * @param controlTokenEnv  the environment variable holding the control token otherwise (config:
 *                         {@code control_token_env}, default {@value #DEFAULT_CONTROL_TOKEN_ENV})
 * @param metricsListen    where the daemon serves {@code /metrics}, {@code /health} and {@code /ready} (config:
 *                         {@code metrics.listen}); empty: nowhere
 * @param alerts           where the daemon sends notifications (config: {@code alerts}); empty: nowhere
 * @param historyDatabase  the DuckDB file the journal's records are also indexed in (config:
 *                         {@code history_database}); empty: none
 * @param coordination     where several daemons of this cluster agree which one acts (config:
 *                         {@code coordination}); empty: this daemon is alone and always acts
 * @param plugins          the directory whose jars the daemon loads strategy providers from (config:
 *                         {@code plugins}, relative to the config file; {@code --plugins} overrides it); empty: none
 */
public record RecoveryConfig(Path source, List<NodeSpec> nodes, Path recoveryDir, RecoveryOptions options,
                             Set<FailureType> failureTypes, Map<String, Settings> strategySettings,
                             Optional<Path> controlTokenFile, String controlTokenEnv,
                             Optional<ListenAddress> metricsListen, Optional<AlertsConfig> alerts,
                             Optional<Path> historyDatabase, Optional<ZooKeeperSettings> coordination,
                             Optional<Path> plugins) {

    /** The environment variable the control token is read from when the configuration names none. */
    public static final String DEFAULT_CONTROL_TOKEN_ENV = "RECOVERY_CONTROL_TOKEN";

    /**
     * @throws NullPointerException if any argument, node, failure type, strategy name or settings is null
     * @throws IllegalArgumentException if {@code nodes} is empty, two nodes have the same id, or
     *                                  {@code controlTokenEnv} is not the name of an environment variable
     */
    public RecoveryConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(recoveryDir, "recoveryDir");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(controlTokenFile, "controlTokenFile");
        Objects.requireNonNull(controlTokenEnv, "controlTokenEnv");
        Objects.requireNonNull(metricsListen, "metricsListen");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(historyDatabase, "historyDatabase");
        Objects.requireNonNull(coordination, "coordination");
        Objects.requireNonNull(plugins, "plugins");
        try {
            ControlTokenSection.requireEnvName(new ConfigReader("controlTokenEnv"), controlTokenEnv);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("nodes must not be empty");
        }
        Set<NodeId> ids = new HashSet<>();
        for (NodeSpec node : nodes) {
            if (!ids.add(node.id())) {
                throw new IllegalArgumentException("node ids must be unique, but '" + node.id() + "' appears twice");
            }
        }
        failureTypes = Collections.unmodifiableSet(new TreeSet<>(failureTypes));
        TreeMap<String, Settings> settingsCopy = new TreeMap<>(strategySettings);
        settingsCopy.values().forEach(s -> Objects.requireNonNull(s, "strategy settings must not be null"));
        strategySettings = Collections.unmodifiableMap(settingsCopy);
    }

    /**
     * A configuration without a plugin directory.
     *
     * @throws NullPointerException if any argument, node, failure type, strategy name or settings is null
     * @throws IllegalArgumentException as the canonical constructor
     */
    public RecoveryConfig(Path source, List<NodeSpec> nodes, Path recoveryDir, RecoveryOptions options,
                          Set<FailureType> failureTypes, Map<String, Settings> strategySettings,
                          Optional<Path> controlTokenFile, String controlTokenEnv,
                          Optional<ListenAddress> metricsListen, Optional<AlertsConfig> alerts,
                          Optional<Path> historyDatabase, Optional<ZooKeeperSettings> coordination) {
        this(source, nodes, recoveryDir, options, failureTypes, strategySettings, controlTokenFile, controlTokenEnv,
                metricsListen, alerts, historyDatabase, coordination, Optional.empty());
    }

    /**
     * A configuration without a coordination: one daemon, which always acts.
     *
     * @throws NullPointerException if any argument, node, failure type, strategy name or settings is null
     * @throws IllegalArgumentException as the canonical constructor
     */
    public RecoveryConfig(Path source, List<NodeSpec> nodes, Path recoveryDir, RecoveryOptions options,
                          Set<FailureType> failureTypes, Map<String, Settings> strategySettings,
                          Optional<Path> controlTokenFile, String controlTokenEnv,
                          Optional<ListenAddress> metricsListen, Optional<AlertsConfig> alerts,
                          Optional<Path> historyDatabase) {
        this(source, nodes, recoveryDir, options, failureTypes, strategySettings, controlTokenFile, controlTokenEnv,
                metricsListen, alerts, historyDatabase, Optional.empty());
    }

    /**
     * A configuration without a history database.
     *
     * @throws NullPointerException if any argument, node, failure type, strategy name or settings is null
     * @throws IllegalArgumentException as the canonical constructor
     */
    public RecoveryConfig(Path source, List<NodeSpec> nodes, Path recoveryDir, RecoveryOptions options,
                          Set<FailureType> failureTypes, Map<String, Settings> strategySettings,
                          Optional<Path> controlTokenFile, String controlTokenEnv,
                          Optional<ListenAddress> metricsListen) {
        this(source, nodes, recoveryDir, options, failureTypes, strategySettings, controlTokenFile, controlTokenEnv,
                metricsListen, Optional.empty(), Optional.empty());
    }

    /**
     * A configuration without a metrics endpoint.
     *
     * @throws NullPointerException if any argument, node, failure type, strategy name or settings is null
     * @throws IllegalArgumentException as the canonical constructor
     */
    public RecoveryConfig(Path source, List<NodeSpec> nodes, Path recoveryDir, RecoveryOptions options,
                          Set<FailureType> failureTypes, Map<String, Settings> strategySettings,
                          Optional<Path> controlTokenFile, String controlTokenEnv) {
        this(source, nodes, recoveryDir, options, failureTypes, strategySettings, controlTokenFile, controlTokenEnv,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * A configuration without a control token file, reading the token from {@value #DEFAULT_CONTROL_TOKEN_ENV}.
     *
     * @throws NullPointerException if any argument, node, failure type, strategy name or settings is null
     * @throws IllegalArgumentException if {@code nodes} is empty or two nodes have the same id
     */
    public RecoveryConfig(Path source, List<NodeSpec> nodes, Path recoveryDir, RecoveryOptions options,
                          Set<FailureType> failureTypes, Map<String, Settings> strategySettings) {
        this(source, nodes, recoveryDir, options, failureTypes, strategySettings, Optional.empty(),
                DEFAULT_CONTROL_TOKEN_ENV);
    }

    /**
     * The node protocol's control token, read now so that it can rotate: the trimmed content of
     * {@link #controlTokenFile()} when there is one, else the trimmed value of the environment variable
     * {@link #controlTokenEnv()}; empty when that is unset or blank. A token is printable ASCII without whitespace,
     * at most 4096 bytes. Callers must not log or print it.
     *
     * @param env the environment, usually {@link System#getenv()}
     * @throws ConfigException if the token file has become unreadable or empty, or the token is not printable
     *                         ASCII without whitespace, or too long; the message names the file or the variable,
     *                         never the token
     */
    public Optional<String> controlToken(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        ConfigReader reader = new ConfigReader(source.toString());
        if (controlTokenFile.isPresent()) {
            return Optional.of(ControlTokenSection.read(reader, controlTokenFile.get()));
        }
        return ControlTokenSection.fromEnvironment(reader, controlTokenEnv, env);
    }

    /** The tuning for one strategy, {@link Settings#EMPTY} when the file has none for it. */
    public Settings settingsFor(String strategyName) {
        return strategySettings.getOrDefault(Objects.requireNonNull(strategyName, "strategyName"), Settings.EMPTY);
    }

    /** Whether failures of type {@code type} are to be detected and recovered. */
    public boolean watches(FailureType type) {
        Objects.requireNonNull(type, "type");
        return failureTypes.isEmpty() || failureTypes.contains(type);
    }
}
