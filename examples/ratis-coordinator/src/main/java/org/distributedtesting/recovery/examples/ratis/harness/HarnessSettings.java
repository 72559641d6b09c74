package org.distributedtesting.recovery.examples.ratis.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the harness runs its cluster, as {@link ClusterHarnessBuilder#build()} fixed it; see the builder for what
 * each setting means.
 *
 * <p>Immutable and thread-safe: the lists and maps are copies.
 *
 * @param nodes                the cluster size
 * @param root                 the directory for everything, or null for a new temporary one
 * @param keepFiles            whether a temporary directory outlives the harness
 * @param daemonJar            the daemon jar, absolute
 * @param interval             the daemon's {@code --interval}
 * @param writePause           the pause between two writes of a writer
 * @param nodeClasspath        the class path of the node JVMs, or null for this JVM's
 * @param maintenance          whether each node gets a {@code maintenance_command}
 * @param network              whether the links go through a {@link ClusterNetwork} of fault proxies
 * @param alternativeAddresses whether each node's direct address is an {@code alternative_addresses} entry
 * @param nodeArgs             more node options for every node
 * @param nodeArgsById         more node options per node, after those for every node
 * @param recoveryOptions      the {@code recovery_options} of the daemon's config, in order
 * @param strategies           the {@code strategies} tuning of the daemon's config, in order
 */
record HarnessSettings(int nodes, Path root, boolean keepFiles, Path daemonJar, Duration interval,
                       Duration writePause, String nodeClasspath, boolean maintenance, boolean network,
                       boolean alternativeAddresses, List<String> nodeArgs, Map<String, List<String>> nodeArgsById,
                       Map<String, Object> recoveryOptions, Map<String, Map<String, Object>> strategies) {

    /**
     * @throws IllegalStateException if {@code alternativeAddresses} is asked for without {@code network}
     */
    HarnessSettings {
        if (alternativeAddresses && !network) {
            throw new IllegalStateException("alternativeAddresses(true) needs network(true): without proxies the"
                    + " primary address is the direct one already");
        }
        Objects.requireNonNull(daemonJar, "daemonJar");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(writePause, "writePause");
        nodeArgs = List.copyOf(nodeArgs);
        Map<String, List<String>> byId = new LinkedHashMap<>();
        nodeArgsById.forEach((id, args) -> byId.put(id, List.copyOf(args)));
        nodeArgsById = Collections.unmodifiableMap(byId);
        // copies that keep the order: the daemon's config lists the keys as they were given
        recoveryOptions = Collections.unmodifiableMap(new LinkedHashMap<>(recoveryOptions));
        Map<String, Map<String, Object>> tuning = new LinkedHashMap<>();
        strategies.forEach((s, keys) -> tuning.put(s, Collections.unmodifiableMap(new LinkedHashMap<>(keys))));
        strategies = Collections.unmodifiableMap(tuning);
    }

    /** The node ids, {@code node-1} to {@code node-N}. */
    List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            ids.add("node-" + i);
        }
        return List.copyOf(ids);
    }
}
