package org.distributedtesting.recovery.core.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;

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
 */
public record RecoveryConfig(Path source, List<NodeSpec> nodes, Path recoveryDir, RecoveryOptions options,
                             Set<FailureType> failureTypes, Map<String, Settings> strategySettings) {

    /**
     * @throws NullPointerException if any argument, node, failure type, strategy name or settings is null
     * @throws IllegalArgumentException if {@code nodes} is empty or two nodes have the same id
     */
    public RecoveryConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(recoveryDir, "recoveryDir");
        Objects.requireNonNull(options, "options");
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
