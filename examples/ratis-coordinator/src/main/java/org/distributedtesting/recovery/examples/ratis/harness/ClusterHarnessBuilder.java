package org.distributedtesting.recovery.examples.ratis.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.distributedtesting.recovery.examples.ratis.CoordinatorNode;

/**
 * How a {@link ClusterHarness} runs the cluster, from {@link ClusterHarness#builder()}: 3 nodes, a 1 s interval and
 * the daemon jar from {@value ClusterHarness#DAEMON_JAR_PROPERTY} unless told otherwise.
 *
 * <p>Not thread-safe; {@link #build()} copies its state.
 */
public final class ClusterHarnessBuilder {

    private int nodes = 3;
    private Path root;
    private boolean keepFiles;
    private Path daemonJar;
    private Duration interval = Duration.ofSeconds(1);
    private Duration writePause = Duration.ofMillis(50);
    private String nodeClasspath;
    private boolean maintenance;
    private boolean network;
    private boolean alternativeAddresses;
    private final List<String> nodeArgs = new ArrayList<>();
    private final Map<String, List<String>> nodeArgsById = new LinkedHashMap<>();
    private final Map<String, Object> recoveryOptions = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> strategies = new LinkedHashMap<>();

    ClusterHarnessBuilder() {
    }

    /** Cluster size (default 3). @throws IllegalArgumentException unless 1..9 */
    public ClusterHarnessBuilder nodes(int nodes) {
        if (nodes < 1 || nodes > 9) {
            throw new IllegalArgumentException("nodes must be in 1..9, but was " + nodes);
        }
        this.nodes = nodes;
        return this;
    }

    /** Where the data, logs and journal go; by default a new temporary directory, deleted on close. */
    public ClusterHarnessBuilder root(Path root) {
        this.root = Objects.requireNonNull(root, "root");
        return this;
    }

    /** Keep the temporary directory on close (to read the logs after a failure). */
    public ClusterHarnessBuilder keepFiles(boolean keepFiles) {
        this.keepFiles = keepFiles;
        return this;
    }

    /** The daemon jar; by default the system property {@value ClusterHarness#DAEMON_JAR_PROPERTY}, else the build's. */
    public ClusterHarnessBuilder daemonJar(Path daemonJar) {
        this.daemonJar = Objects.requireNonNull(daemonJar, "daemonJar");
        return this;
    }

    /** The daemon's {@code --interval} (default 1 s). @throws IllegalArgumentException unless positive */
    public ClusterHarnessBuilder interval(Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be > 0, but was " + interval);
        }
        this.interval = interval;
        return this;
    }

    /** The pause between two writes of a writer (default 50 ms). */
    public ClusterHarnessBuilder writePause(Duration writePause) {
        this.writePause = Objects.requireNonNull(writePause, "writePause");
        return this;
    }

    /** The class path of the node JVMs; by default this JVM's. */
    public ClusterHarnessBuilder nodeClasspath(String classpath) {
        this.nodeClasspath = Objects.requireNonNull(classpath, "classpath");
        return this;
    }

    /**
     * Whether each node gets a {@code maintenance_command}: the example's {@code Maintenance} tool, which the
     * daemon runs to move aside, restore or reset the data of a stopped node (default off).
     */
    public ClusterHarnessBuilder maintenance(boolean maintenance) {
        this.maintenance = maintenance;
        return this;
    }

    /**
     * Whether the nodes reach each other, and the daemon reaches them, through a {@link ClusterNetwork} of fault
     * proxies (default off: directly on 127.0.0.1).
     */
    public ClusterHarnessBuilder network(boolean network) {
        this.network = network;
        return this;
    }

    /**
     * Whether each node gets an {@code alternative_addresses} entry in the daemon's config: its node protocol
     * directly on 127.0.0.1, past the monitor's proxy (default off; only with {@link #network(boolean)}).
     */
    public ClusterHarnessBuilder alternativeAddresses(boolean alternativeAddresses) {
        this.alternativeAddresses = alternativeAddresses;
        return this;
    }

    /** More {@link CoordinatorNode} options for one node, after those for every node. */
    public ClusterHarnessBuilder nodeArgsOf(String id, String... args) {
        nodeArgsById.computeIfAbsent(Objects.requireNonNull(id, "id"), k -> new ArrayList<>())
                .addAll(List.of(args));
        return this;
    }

    /** More {@link CoordinatorNode} options for every node, such as {@code --disk-quota 33554432}. */
    public ClusterHarnessBuilder nodeArgs(String... args) {
        nodeArgs.addAll(List.of(args));
        return this;
    }

    /** A {@code recovery_options} key of the daemon's config, such as {@code confirmations}. */
    public ClusterHarnessBuilder recoveryOption(String key, Object value) {
        recoveryOptions.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** A {@code strategies.<strategy>} tuning key of the daemon's config. */
    public ClusterHarnessBuilder strategySetting(String strategy, String key, Object value) {
        strategies.computeIfAbsent(Objects.requireNonNull(strategy, "strategy"), s -> new LinkedHashMap<>())
                .put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * A harness with these settings, not yet started.
     *
     * @throws IllegalStateException if {@link #alternativeAddresses(boolean)} is on without
     *                               {@link #network(boolean)}
     * @throws IOException           if its directory or token file cannot be created
     */
    public ClusterHarness build() throws IOException {
        return new ClusterHarness(new HarnessSettings(nodes, root, keepFiles, daemonJar(), interval, writePause,
                nodeClasspath, maintenance, network, alternativeAddresses, nodeArgs, nodeArgsById, recoveryOptions,
                strategies));
    }

    private Path daemonJar() {
        if (daemonJar != null) {
            return daemonJar.toAbsolutePath();
        }
        String property = System.getProperty(ClusterHarness.DAEMON_JAR_PROPERTY);
        return (property != null ? Path.of(property) : ClusterHarness.DAEMON_JAR_IN_BUILD).toAbsolutePath()
                .normalize();
    }
}
