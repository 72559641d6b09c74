package org.distributedtesting.recovery.examples.ratis.harness;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.core.http.HttpNodeControl;
import org.distributedtesting.recovery.core.http.HttpNodeProbe;
import org.distributedtesting.recovery.core.supervise.LocalProcessSupervisor;
import org.distributedtesting.recovery.examples.ratis.CoordinatorNode;
import org.distributedtesting.recovery.examples.ratis.DataDir;
import org.distributedtesting.recovery.examples.ratis.Maintenance;
import org.distributedtesting.recovery.examples.ratis.NodeOptions;
import org.distributedtesting.recovery.examples.ratis.Peer;

/**
 * A real coordinator cluster watched by the real recovery daemon, all as child processes on 127.0.0.1 with ports
 * picked at run time: N {@link CoordinatorNode} JVMs ({@code --fault-hooks}, {@code --token-file}, {@code -Xmx128m}),
 * each in its own data directory, and the daemon ({@code recovery.jar --daemon}) with a generated
 * {@code cluster.json} whose {@code nodes[].command} is exactly how the harness starts the nodes, and whose
 * {@code nodes[].maintenance_command} (when asked for) runs {@link Maintenance} on the same class path, so the daemon can move
 * aside, restore and reset a stopped node's data.
 *
 * <p>With {@link Builder#network(boolean) network(true)} every node-to-node link and the daemon's link to each node
 * go through a {@link ClusterNetwork} of fault proxies, which {@link #network()} cuts, slows down and heals; the
 * harness itself always reaches the nodes directly.
 *
 * <p>The harness starts each node through a {@link LocalProcessSupervisor}, which writes {@code node.pid} and
 * {@code node.log} into the node's data directory, and the daemon adopts those processes from their pid files: a
 * node killed later is restarted by the daemon, never by the harness.
 *
 * <pre>{@code
 * try (ClusterHarness cluster = ClusterHarness.builder().daemonJar(jar).build().start();
 *      TaskWriter writer = cluster.startWriter("t")) {
 *     Injection crash = cluster.faults().killFollower();
 *     RecoveryTimes times = cluster.awaitRecovery(crash, Duration.ofSeconds(60));
 *     writer.close();
 *     ClusterState state = cluster.awaitConsistent(writer.accepted(), Duration.ofSeconds(60));
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one thread drives it. {@link #close()}, also run by a JVM shutdown hook, stops the writers,
 * the daemon (SIGTERM, journal flushed) and every node process, including those the daemon restarted, and deletes
 * the directory when the harness created it.
 */
public final class ClusterHarness implements AutoCloseable {

    /** The system property naming the daemon jar when the builder is not given one. */
    public static final String DAEMON_JAR_PROPERTY = "recovery.daemon.jar";

    /** The daemon jar's path in a build of the repository, relative to its root. */
    public static final Path DAEMON_JAR_IN_BUILD = Path.of("recovery-strategies", "target", "recovery.jar");

    /** Bound for the cluster to start, and for each wait on it. */
    public static final Duration WAIT = Duration.ofSeconds(60);

    /** The heap of each node. */
    public static final String NODE_HEAP = "-Xmx128m";

    /** The heap of each run of the nodes' maintenance command. */
    public static final String MAINTENANCE_HEAP = "-Xmx64m";

    private static final Duration PROBE_DEADLINE = Duration.ofSeconds(3);

    /** The example's maintenance command, run by the daemon for the data actions on a stopped node. */
    private static final String MAINTENANCE_CLASS = Maintenance.class.getName();

    /** The lowest port the harness picks. */
    private static final int LOWEST_PORT = 20_000;

    private final Builder config;
    private final Path root;
    private final boolean ownsRoot;
    private final Path tokenFile;
    /** How the daemon reaches each node: through the monitor's proxies when the network is proxied. */
    private final Map<String, NodeSpec> specs = new LinkedHashMap<>();
    /** How the harness itself reaches each node: always directly, so a cut link never blinds the test. */
    private final Map<String, NodeSpec> direct = new LinkedHashMap<>();
    private final List<Peer> peers = new ArrayList<>();
    private final HttpNodeProbe probe;
    private HttpNodeControl control;
    private final LocalProcessSupervisor starter = new LocalProcessSupervisor();
    private final List<ProcessHandle> started = new ArrayList<>();
    private final List<TaskWriter> writers = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::close, "cluster-harness-shutdown");
    private final Faults faults;
    private Path configFile;
    private DaemonProcess daemon;
    private ClusterNetwork network;

    private ClusterHarness(Builder config) throws IOException {
        this.config = config;
        this.ownsRoot = config.root == null;
        this.root = ownsRoot ? Files.createTempDirectory("coordinator-harness-") : config.root.toAbsolutePath();
        Files.createDirectories(root);
        this.tokenFile = root.resolve("control.token");
        String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
        Files.writeString(tokenFile, token + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        this.probe = HttpNodeProbe.builder().build();
        this.faults = new Faults(this);
    }

    /** A builder with 3 nodes, a 1 s interval and the daemon jar from {@value #DAEMON_JAR_PROPERTY}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the nodes, waits until they agree on a leader, writes the daemon's config and starts the daemon.
     *
     * @return this harness
     * @throws IOException           if a process cannot be started or a file written
     * @throws IllegalStateException if the cluster or the daemon does not come up within {@link #WAIT}; everything
     *                               started is stopped again
     */
    public ClusterHarness start() throws IOException {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            layOut();
            control = HttpNodeControl.builder().nodes(List.copyOf(direct.values())).token(this::token).build();
            configFile = writeConfig();
            for (NodeSpec spec : specs.values()) {
                starter.start(spec).pid().stream().mapToObj(ProcessHandle::of).flatMap(Optional::stream)
                        .forEach(started::add);
            }
            for (String id : specs.keySet()) {
                await("'" + id + "' to answer").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                        .ignoreExceptions().until(() -> status(id) != null);
            }
            awaitLeader();
            daemon = DaemonProcess.start(config.daemonJar(), configFile, config.interval, root.resolve("daemon"),
                    WAIT);
            return this;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void layOut() throws IOException {
        // the nodes run in their data directories: a relative class path entry would point elsewhere there
        String classpath = absolute(config.nodeClasspath != null ? config.nodeClasspath
                : System.getProperty("java.class.path"));
        List<String> ids = new ArrayList<>();
        Map<String, Integer> httpPorts = new LinkedHashMap<>();
        Set<Integer> taken = new HashSet<>();
        for (int i = 1; i <= config.nodes; i++) {
            String id = "node-" + i;
            ids.add(id);
            peers.add(new Peer(id, "127.0.0.1", freePort(taken)));
            httpPorts.put(id, freePort(taken));
        }
        for (String id : config.nodeArgsById.keySet()) {
            if (!ids.contains(id)) {
                throw new IllegalArgumentException("node options were given for '" + id + "', but the nodes are "
                        + ids);
            }
        }
        List<Peer> nodePeers = peers;
        if (config.network) {
            network = ClusterNetwork.start(peers, httpPorts, root.resolve("network"));
            nodePeers = ClusterNetwork.namedPeers(peers);
        }
        for (String id : ids) {
            Path dataDir = root.resolve(id);
            Files.createDirectories(dataDir);
            List<String> args = new ArrayList<>(List.of("--id", id, "--data-dir", dataDir.toString(), "--raft-port",
                    String.valueOf(peers.get(ids.indexOf(id)).port()), "--http-port", String.valueOf(httpPorts.get(id)),
                    "--peers", Peer.formatList(nodePeers), "--fault-hooks", "--token-file", tokenFile.toString()));
            args.addAll(config.nodeArgs);
            args.addAll(config.nodeArgsById.getOrDefault(id, List.of()));
            NodeOptions options = NodeOptions.parse(args.toArray(String[]::new));
            List<String> command = new ArrayList<>(List.of(javaExecutable(), NODE_HEAP, "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1"));
            if (network != null) {
                command.add("-Djdk.net.hosts.file=" + network.hostsFile(id));
            }
            command.addAll(List.of("-cp", classpath, CoordinatorNode.class.getName()));
            command.addAll(options.toArgs());
            List<String> maintenance = !config.maintenance ? List.of() : List.of(javaExecutable(), MAINTENANCE_HEAP,
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath, MAINTENANCE_CLASS, "--id", "{id}",
                    "--data-dir", "{data_dir}");
            String directAddress = "127.0.0.1:" + httpPorts.get(id);
            direct.put(id, new NodeSpec(NodeId.of(id), "127.0.0.1", httpPorts.get(id), dataDir, List.of(), command,
                    maintenance));
            if (network == null) {
                specs.put(id, direct.get(id));
            } else {
                java.net.InetSocketAddress monitor = network.monitorAddress(id);
                specs.put(id, new NodeSpec(NodeId.of(id), monitor.getAddress().getHostAddress(), monitor.getPort(),
                        dataDir, config.alternativeAddresses ? List.of(directAddress) : List.of(), command,
                        maintenance));
            }
        }
    }

    private Path writeConfig() throws IOException {
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodeSpec spec : specs.values()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("id", spec.id().value());
            node.put("host", spec.host());
            node.put("port", spec.port());
            node.put("data_dir", spec.dataDir().toString());
            if (!spec.alternativeAddresses().isEmpty()) {
                node.put("alternative_addresses", spec.alternativeAddresses());
            }
            node.put("command", spec.startCommand());
            if (spec.hasMaintenanceCommand()) {
                node.put("maintenance_command", spec.maintenanceCommand());
            }
            nodes.add(node);
        }
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("nodes", nodes);
        cfg.put("recovery_dir", recoveryDir().toString());
        cfg.put("control_token_file", tokenFile.toString());
        cfg.put("recovery_options", config.recoveryOptions);
        if (!config.strategies.isEmpty()) {
            cfg.put("strategies", config.strategies);
        }
        Path file = root.resolve("cluster.json");
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), cfg);
        return file;
    }

    /** The node ids, {@code node-1} to {@code node-N}. */
    public List<String> ids() {
        return List.copyOf(specs.keySet());
    }

    /** The Raft group's members, for clients. */
    public List<Peer> peers() {
        return List.copyOf(peers);
    }

    /** How the daemon sees the node: address, data directory, start command. */
    public NodeSpec spec(String id) {
        NodeSpec spec = specs.get(id);
        if (spec == null) {
            throw new IllegalArgumentException("no node '" + id + "'; the nodes are " + specs.keySet());
        }
        return spec;
    }

    /** The node's data directory. */
    public DataDir dataDir(String id) {
        return new DataDir(spec(id).dataDir());
    }

    /** The directory everything is in. */
    public Path root() {
        return root;
    }

    /** The daemon's configuration file. */
    public Path configFile() {
        return configFile;
    }

    /** The daemon's journal directory. */
    public Path recoveryDir() {
        return root.resolve("recovery");
    }

    /** The daemon's journal file. */
    public Path journalFile() {
        return recoveryDir().resolve(JournalEntry.FILE_NAME);
    }

    /** The daemon's journal as it is now. */
    public List<JournalEntry> journal() {
        return JournalEntry.read(journalFile());
    }

    /** The daemon. */
    public DaemonProcess daemon() {
        return daemon;
    }

    /**
     * The network between the nodes and from the monitor to each node, to cut, slow down or reset links.
     *
     * @throws IllegalStateException if the harness was built without {@link Builder#network(boolean)}
     */
    public ClusterNetwork network() {
        if (network == null) {
            throw new IllegalStateException("the nodes are connected directly: build the harness with network(true)"
                    + " to put fault proxies between them");
        }
        return network;
    }

    /** Fault injection into this cluster. */
    public Faults faults() {
        return faults;
    }

    /**
     * Starts a writer of tasks {@code prefix-1}, {@code prefix-2}, ... with {@link Builder#writePause} between writes;
     * closed with the harness if not before.
     */
    public TaskWriter startWriter(String prefix) {
        TaskWriter writer = TaskWriter.start(peers, prefix, config.writePause);
        writers.add(writer);
        return writer;
    }

    /**
     * The node's status over the node protocol.
     *
     * @throws IOException if it does not answer within a few seconds
     */
    public NodeStatus status(String id) throws IOException, InterruptedException {
        spec(id);
        return probe.probe(direct.get(id), PROBE_DEADLINE);
    }

    /** The node's status, or empty when it does not answer. */
    public Optional<NodeStatus> statusIfUp(String id) {
        try {
            return Optional.of(status(id));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Waits until exactly one node leads and every node that answers knows it.
     *
     * @return the leader
     * @throws org.awaitility.core.ConditionTimeoutException after {@link #WAIT}
     */
    public String awaitLeader() {
        return await("one leader that every answering node follows").atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(this::agreedLeader, Optional::isPresent).orElseThrow();
    }

    /** The leader, if exactly one node leads and every node that answers names it. */
    public Optional<String> agreedLeader() {
        Set<String> leaders = new HashSet<>();
        Set<String> named = new HashSet<>();
        for (String id : specs.keySet()) {
            Optional<NodeStatus> status = statusIfUp(id);
            if (status.isEmpty()) {
                continue;
            }
            if (status.get().role() == Role.LEADER) {
                leaders.add(id);
            }
            named.add(status.get().leader().map(NodeId::value).orElse(""));
        }
        return leaders.size() == 1 && named.equals(leaders) ? Optional.of(leaders.iterator().next())
                : Optional.empty();
    }

    /**
     * Makes {@code id} the leader: asks the current leader to hand leadership to it (Ratis' transfer of
     * leadership), and waits until every node follows it.
     *
     * @throws IllegalStateException if the leader refuses
     * @throws org.awaitility.core.ConditionTimeoutException if {@code id} does not lead within {@link #WAIT}
     */
    public void makeLeader(String id) throws InterruptedException {
        spec(id);
        String leader = awaitLeader();
        if (leader.equals(id)) {
            return;
        }
        org.distributedtesting.recovery.ActionResult result = control().execute(
                new org.distributedtesting.recovery.Action.StepDown(NodeId.of(leader), Optional.of(NodeId.of(id))));
        if (!result.done()) {
            throw new IllegalStateException("'" + leader + "' did not hand leadership to '" + id + "': "
                    + result.detail());
        }
        await("'" + id + "' to lead").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> agreedLeader().filter(id::equals).isPresent());
    }

    /** The nodes that answer as followers of the agreed leader. */
    public List<String> followers() {
        String leader = awaitLeader();
        return specs.keySet().stream().filter(id -> !id.equals(leader)).toList();
    }

    /** The pid the node's {@code node.pid} names, if the file holds one. */
    public OptionalLong pid(String id) {
        Path file = spec(id).dataDir().resolve(LocalProcessSupervisor.PID_FILE);
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(file).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Waits for the daemon to detect the injected failure and to verify its recovery, and reads the times from its
     * journal.
     *
     * @throws org.awaitility.core.ConditionTimeoutException if the journal does not show both within {@code timeout}
     */
    public RecoveryTimes awaitRecovery(Injection injection, Duration timeout) {
        return await("the daemon to detect and verify the recovery of " + injection).atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> RecoveryTimes.from(injection, journal()), Optional::isPresent).orElseThrow();
    }

    /**
     * Waits until the cluster is consistent: one leader, every node at the same applied index with the same state
     * checksum there, and every task in {@code accepted} in every node's database.
     *
     * @throws org.awaitility.core.ConditionTimeoutException if it is not within {@code timeout}; the message says
     *                                                       what differed last
     */
    public ClusterState awaitConsistent(Set<String> accepted, Duration timeout) {
        return ClusterState.await(this, accepted, timeout);
    }

    /**
     * Stops {@code writers}, waits until the cluster is consistent (one leader, every node at the same applied index
     * with the same checksum there), reads every node's tasks and checks them against the writers' history
     * ({@link HistoryChecker}).
     *
     * @return the check, passed
     * @throws AssertionError if the nodes contradict the history; the message lists the violations
     * @throws org.awaitility.core.ConditionTimeoutException if the cluster is not consistent within {@link #WAIT}
     * @throws IllegalArgumentException if two writers' prefixes are the same or overlap
     */
    public HistoryCheck checkHistory(TaskWriter... writers) {
        for (TaskWriter writer : writers) {
            writer.close();
        }
        History history = History.of(writers);
        // no accepted set here: a missing acknowledged task is reported by the checker with the rest
        ClusterState state = ClusterState.await(this, Set.of(), WAIT);
        List<NodeTasks> nodes = new ArrayList<>();
        for (String id : ids()) {
            try {
                nodes.add(NodeTasks.read(id, state.appliedIndex(), dataDir(id).databaseFile()));
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot read the tasks of '" + id + "' from "
                        + dataDir(id).databaseFile() + ": " + e.getMessage(), e);
            }
        }
        HistoryCheck check = HistoryChecker.check(history, nodes);
        if (!check.passed()) {
            throw new AssertionError("the nodes' tasks contradict the clients' history, with every node at applied"
                    + " index " + state.appliedIndex() + " under leader '" + state.leader() + "': " + check);
        }
        return check;
    }

    /** The control token; only for the fault hooks' control calls, never printed. */
    String token() {
        try {
            return Files.readString(tokenFile).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the token file " + tokenFile + ": " + e.getMessage(), e);
        }
    }

    HttpNodeControl control() {
        if (control == null) {
            throw new IllegalStateException("the harness is not started");
        }
        return control;
    }

    /** Prints the daemon's timeline and the tail of every log, for a failed test or run. */
    public void printDiagnostics(PrintStream out) {
        out.println("---- harness in " + root);
        if (daemon != null) {
            out.println("---- daemon timeline (" + daemon.stdoutFile() + ")");
            daemon.lines().forEach(out::println);
            List<String> log = daemon.logLines();
            out.println("---- daemon log, last 60 lines (" + daemon.stderrFile() + ")");
            log.subList(Math.max(0, log.size() - 60), log.size()).forEach(out::println);
        }
        for (NodeSpec spec : specs.values()) {
            Path log = spec.dataDir().resolve(LocalProcessSupervisor.LOG_FILE);
            List<String> lines = DaemonProcess.completeLines(log);
            out.println("---- " + spec.id() + " log, last 30 lines (" + log + "); status "
                    + statusIfUp(spec.id().value()).map(Object::toString).orElse("unreachable"));
            lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(out::println);
        }
    }

    /**
     * Stops the writers, the daemon and every node process (those the daemon started too, found through their pid
     * files), and deletes the directory when the harness created it. Closing twice does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            writers.forEach(TaskWriter::close);
        } finally {
            if (daemon != null) {
                daemon.close();
            }
            stopNodes();
            if (network != null) {
                network.close();
            }
            probe.close();
            if (control != null) {
                control.close();
            }
            removeShutdownHook();
            if (ownsRoot && !config.keepFiles) {
                deleteRecursively(root);
            }
        }
    }

    private void stopNodes() {
        try (LocalProcessSupervisor adopting = new LocalProcessSupervisor()) {
            for (NodeSpec spec : specs.values()) {
                adopting.status(spec);
                adopting.stop(spec, Duration.ZERO);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            System.err.println("stopping the nodes through their pid files failed: " + e);
        } finally {
            // whatever went wrong above, no node process outlives the harness: those it started, and those the
            // daemon restarted (named by the pid files) when their command line names the node's data directory
            for (ProcessHandle process : started) {
                process.destroyForcibly();
            }
            for (NodeSpec spec : specs.values()) {
                String dataDir = spec.dataDir().toString();
                pid(spec.id().value()).stream().mapToObj(ProcessHandle::of).flatMap(Optional::stream)
                        .filter(p -> p.info().commandLine().map(c -> c.contains(dataDir)).orElse(false))
                        .forEach(ProcessHandle::destroyForcibly);
            }
            starter.close();
        }
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already: this close runs in the hook itself
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }

    private static String absolute(String classpath) {
        return java.util.Arrays.stream(classpath.split(java.io.File.pathSeparator)).filter(e -> !e.isEmpty())
                .map(e -> Path.of(e).toAbsolutePath().normalize().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * A port that is free now, below the kernel's ephemeral range: a port picked from that range (as
     * {@code new ServerSocket(0)} does) can be taken, while its node is down for a restart, as the local port of some
     * outgoing connection, and the restarted node then fails to bind it (seen in the tests).
     */
    private static int freePort(Set<Integer> taken) throws IOException {
        int below = ephemeralRangeStart();
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200 && below > LOWEST_PORT + 100; attempt++) {
            int port = random.nextInt(LOWEST_PORT, below);
            if (!taken.contains(port) && bindable(port)) {
                taken.add(port);
                return port;
            }
        }
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                if (taken.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range (Linux default 32768), or 32768 when it cannot be read. */
    private static int ephemeralRangeStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }

    /**
     * How the harness runs the cluster.
     *
     * <p>Not thread-safe; {@link #build()} copies its state.
     */
    public static final class Builder {

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
        private List<String> nodeArgs = new ArrayList<>();
        private Map<String, List<String>> nodeArgsById = new LinkedHashMap<>();
        private Map<String, Object> recoveryOptions = new LinkedHashMap<>();
        private Map<String, Map<String, Object>> strategies = new LinkedHashMap<>();

        private Builder() {
        }

        /** Cluster size (default 3). @throws IllegalArgumentException unless 1..9 */
        public Builder nodes(int nodes) {
            if (nodes < 1 || nodes > 9) {
                throw new IllegalArgumentException("nodes must be in 1..9, but was " + nodes);
            }
            this.nodes = nodes;
            return this;
        }

        /** Where the data, logs and journal go; by default a new temporary directory, deleted on close. */
        public Builder root(Path root) {
            this.root = Objects.requireNonNull(root, "root");
            return this;
        }

        /** Keep the temporary directory on close (to read the logs after a failure). */
        public Builder keepFiles(boolean keepFiles) {
            this.keepFiles = keepFiles;
            return this;
        }

        /** The daemon jar; by default the system property {@value #DAEMON_JAR_PROPERTY}, else the build's. */
        public Builder daemonJar(Path daemonJar) {
            this.daemonJar = Objects.requireNonNull(daemonJar, "daemonJar");
            return this;
        }

        /** The daemon's {@code --interval} (default 1 s). @throws IllegalArgumentException unless positive */
        public Builder interval(Duration interval) {
            if (interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("interval must be > 0, but was " + interval);
            }
            this.interval = interval;
            return this;
        }

        /** The pause between two writes of a writer (default 50 ms). */
        public Builder writePause(Duration writePause) {
            this.writePause = Objects.requireNonNull(writePause, "writePause");
            return this;
        }

        /** The class path of the node JVMs; by default this JVM's. */
        public Builder nodeClasspath(String classpath) {
            this.nodeClasspath = Objects.requireNonNull(classpath, "classpath");
            return this;
        }

        /**
         * Whether each node gets a {@code maintenance_command}: the example's {@code Maintenance} tool, which the
         * daemon runs to move aside, restore or reset the data of a stopped node (default off).
         */
        public Builder maintenance(boolean maintenance) {
            this.maintenance = maintenance;
            return this;
        }

        /**
         * Whether the nodes reach each other, and the daemon reaches them, through a {@link ClusterNetwork} of fault
         * proxies (default off: directly on 127.0.0.1).
         */
        public Builder network(boolean network) {
            this.network = network;
            return this;
        }

        /**
         * Whether each node gets an {@code alternative_addresses} entry in the daemon's config: its node protocol
         * directly on 127.0.0.1, past the monitor's proxy (default off; only with {@link #network(boolean)}).
         */
        public Builder alternativeAddresses(boolean alternativeAddresses) {
            this.alternativeAddresses = alternativeAddresses;
            return this;
        }

        /** More {@link CoordinatorNode} options for one node, after those for every node. */
        public Builder nodeArgsOf(String id, String... args) {
            nodeArgsById.computeIfAbsent(Objects.requireNonNull(id, "id"), k -> new ArrayList<>())
                    .addAll(List.of(args));
            return this;
        }

        /** More {@link CoordinatorNode} options for every node, such as {@code --disk-quota 33554432}. */
        public Builder nodeArgs(String... args) {
            nodeArgs.addAll(List.of(args));
            return this;
        }

        /** A {@code recovery_options} key of the daemon's config, such as {@code confirmations}. */
        public Builder recoveryOption(String key, Object value) {
            recoveryOptions.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** A {@code strategies.<strategy>} tuning key of the daemon's config. */
        public Builder strategySetting(String strategy, String key, Object value) {
            strategies.computeIfAbsent(Objects.requireNonNull(strategy, "strategy"), s -> new LinkedHashMap<>())
                    .put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * A harness with these settings, not yet started.
         *
         * @throws IOException if its directory or token file cannot be created
         */
        public ClusterHarness build() throws IOException {
            Builder copy = new Builder();
            copy.nodes = nodes;
            copy.root = root;
            copy.keepFiles = keepFiles;
            copy.daemonJar = daemonJar();
            copy.interval = interval;
            copy.writePause = writePause;
            copy.nodeClasspath = nodeClasspath;
            copy.maintenance = maintenance;
            copy.nodeArgs = List.copyOf(nodeArgs);
            copy.network = network;
            copy.alternativeAddresses = alternativeAddresses;
            if (alternativeAddresses && !network) {
                throw new IllegalStateException("alternativeAddresses(true) needs network(true): without proxies the"
                        + " primary address is the direct one already");
            }
            Map<String, List<String>> byId = new LinkedHashMap<>();
            nodeArgsById.forEach((k, v) -> byId.put(k, List.copyOf(v)));
            copy.nodeArgsById = byId;
            copy.recoveryOptions = new LinkedHashMap<>(recoveryOptions);
            Map<String, Map<String, Object>> strategiesCopy = new LinkedHashMap<>();
            strategies.forEach((k, v) -> strategiesCopy.put(k, new LinkedHashMap<>(v)));
            copy.strategies = strategiesCopy;
            return new ClusterHarness(copy);
        }

        private Path daemonJar() {
            if (daemonJar != null) {
                return daemonJar.toAbsolutePath();
            }
            String property = System.getProperty(DAEMON_JAR_PROPERTY);
            return (property != null ? Path.of(property) : DAEMON_JAR_IN_BUILD).toAbsolutePath().normalize();
        }
    }
}
