package org.distributedtesting.recovery.examples.ratis.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.distributedtesting.recovery.examples.ratis.CoordinatorNode;
import org.distributedtesting.recovery.examples.ratis.DataDir;
import org.distributedtesting.recovery.examples.ratis.Maintenance;

/**
 * A real coordinator cluster watched by the real recovery daemon, all as child processes on 127.0.0.1 with ports
 * picked at run time: N {@link CoordinatorNode} JVMs ({@code --fault-hooks}, {@code --token-file}, {@code -Xmx128m}),
 * each in its own data directory, and the daemon ({@code recovery.jar --daemon}) with a generated
 * {@code cluster.json} whose {@code nodes[].command} is exactly how the harness starts the nodes, and whose
 * {@code nodes[].maintenance_command} (when asked for) runs {@link Maintenance} on the same class path, so the daemon
 * can move aside, restore and reset a stopped node's data.
 *
 * <p>With {@link ClusterHarnessBuilder#network(boolean) network(true)} every node-to-node link and the daemon's link
 * to each node go through a {@link ClusterNetwork} of fault proxies, which {@link #network()} cuts, slows down and
 * heals; the harness itself always reaches the nodes directly.
 *
 * <p>The daemon adopts the node processes from their pid files ({@link NodeProcesses}): a node killed later is
 * restarted by the daemon, never by the harness.
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
    public static final String DAEMON_JAR_PROPERTY = DaemonProcess.JAR_PROPERTY;

    /** The daemon jar's path in a build of the repository, relative to its root. */
    public static final Path DAEMON_JAR_IN_BUILD = Path.of("recovery-strategies", "target", "recovery.jar");

    /** Bound for the cluster to start, and for each wait on it. */
    public static final Duration WAIT = Duration.ofSeconds(60);

    private final HarnessSettings settings;
    private final ClusterFiles files;
    private final List<TaskWriter> writers = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::close, "cluster-harness-shutdown");
    // the parts below are made by start(), in this order; close() closes those that were made
    private ClusterLayout layout;
    private ClusterProbe probe;
    private HttpNodeControl control;
    private Leadership leadership;
    private NodeProcesses processes;
    private Faults faults;
    private DaemonProcess daemon;

    ClusterHarness(HarnessSettings settings) throws IOException {
        this.settings = settings;
        this.files = ClusterFiles.create(settings.root());
    }

    /** A builder with 3 nodes, a 1 s interval and the daemon jar from {@value #DAEMON_JAR_PROPERTY}. */
    public static ClusterHarnessBuilder builder() {
        return new ClusterHarnessBuilder();
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
            layout = ClusterLayout.lay(settings, files);
            probe = new ClusterProbe(layout);
            control = HttpNodeControl.builder().nodes(layout.directSpecs()).token(files::token).build();
            leadership = new Leadership(layout, probe, control, WAIT);
            processes = new NodeProcesses(layout);
            faults = new Faults(layout, processes, leadership, control);
            files.writeDaemonConfig(layout.specs(), settings.recoveryOptions(), settings.strategies());
            processes.startAll();
            probe.awaitAnswering(WAIT);
            leadership.awaitLeader();
            daemon = DaemonProcess.start(settings.daemonJar(), files.configFile(), settings.interval(),
                    files.daemonDir(), WAIT);
            return this;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The node ids, {@code node-1} to {@code node-N}. */
    public List<String> ids() {
        return started(layout).ids();
    }

    /** The node's data directory. @throws IllegalArgumentException if there is no such node */
    public DataDir dataDir(String id) {
        return started(layout).dataDir(id);
    }

    /** The directory everything is in. */
    public Path root() {
        return files.root();
    }

    /** The daemon's journal as it is now. */
    public List<JournalEntry> journal() {
        return JournalEntry.read(files.journalFile());
    }

    /** The daemon, or null before it started. */
    public DaemonProcess daemon() {
        return daemon;
    }

    /**
     * The network between the nodes and from the monitor to each node, to cut, slow down or reset links.
     *
     * @throws IllegalStateException if the harness was built without {@link ClusterHarnessBuilder#network(boolean)}
     */
    public ClusterNetwork network() {
        return started(layout).network();
    }

    /** Fault injection into this cluster. */
    public Faults faults() {
        return started(faults);
    }

    /** Whether the cluster is healthy enough for the next fault, asked anew at each {@link ClusterHealth#problem()}. */
    public ClusterHealth health() {
        return new ClusterHealth(started(probe), files.journalFile());
    }

    /**
     * Starts a writer of tasks {@code prefix-1}, {@code prefix-2}, ... with
     * {@link ClusterHarnessBuilder#writePause the write pause} between writes; closed with the harness if not before.
     */
    public TaskWriter startWriter(String prefix) {
        TaskWriter writer = TaskWriter.start(started(layout).peers(), prefix, settings.writePause());
        writers.add(writer);
        return writer;
    }

    /** The node's status over the node protocol. @throws IOException if it does not answer within a few seconds */
    public NodeStatus status(String id) throws IOException, InterruptedException {
        return started(probe).status(id);
    }

    /** The node's status, or empty when it does not answer. */
    public Optional<NodeStatus> statusIfUp(String id) {
        return started(probe).statusIfUp(id);
    }

    /**
     * Waits until exactly one node leads and every node that answers knows it.
     *
     * @return the leader
     * @throws org.awaitility.core.ConditionTimeoutException after {@link #WAIT}
     */
    public String awaitLeader() {
        return started(leadership).awaitLeader();
    }

    /** The leader, if exactly one node leads and every node that answers names it. */
    public Optional<String> agreedLeader() {
        return started(probe).agreedLeader();
    }

    /**
     * Makes {@code id} the leader: asks the current leader to hand leadership to it (Ratis' transfer of
     * leadership), and waits until every node follows it.
     *
     * @throws IllegalStateException if the leader refuses
     * @throws org.awaitility.core.ConditionTimeoutException if {@code id} does not lead within {@link #WAIT}
     */
    public void makeLeader(String id) throws InterruptedException {
        started(leadership).makeLeader(id);
    }

    /** The nodes other than the agreed leader, once there is one. */
    public List<String> followers() {
        return started(leadership).followers();
    }

    /** The pid the node's {@code node.pid} names, if the file holds one. */
    public OptionalLong pid(String id) {
        return started(processes).pid(id);
    }

    /**
     * Waits for the daemon to detect the injected failure and to verify its recovery, and reads the times from its
     * journal.
     *
     * @throws org.awaitility.core.ConditionTimeoutException if the journal does not show both within {@code timeout}
     */
    public RecoveryTimes awaitRecovery(Injection injection, Duration timeout) {
        return RecoveryTimes.await(injection, files.journalFile(), timeout);
    }

    /**
     * Waits until the cluster is consistent: one leader, every node at the same applied index with the same state
     * checksum there, and every task in {@code accepted} in every node's database.
     *
     * @throws org.awaitility.core.ConditionTimeoutException if it is not within {@code timeout}; the message says
     *                                                       what differed last
     */
    public ClusterState awaitConsistent(Set<String> accepted, Duration timeout) {
        return ClusterState.await(started(probe), started(layout)::databaseFile, accepted, timeout);
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
        return HistoryVerification.verify(started(probe), started(layout)::databaseFile, WAIT, writers);
    }

    /** Sends control actions to the nodes directly, with the control token. */
    HttpNodeControl control() {
        return started(control);
    }

    /** Prints the daemon's timeline and the tail of every log, for a failed test or run. */
    public void printDiagnostics(PrintStream out) {
        Diagnostics.print(out, files.root(), daemon, layout == null ? List.of() : layout.specs(), probe);
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
            if (processes != null) {
                processes.close();
            }
            if (layout != null) {
                layout.close();
            }
            if (probe != null) {
                probe.close();
            }
            if (control != null) {
                control.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already: this close runs in the hook itself
            }
            if (!settings.keepFiles()) {
                files.deleteIfOwned();
            }
        }
    }

    /** {@code part}, once {@link #start()} made it. */
    private static <T> T started(T part) {
        if (part == null) {
            throw new IllegalStateException("the harness is not started: call start() first");
        }
        return part;
    }
}
