package org.distributedtesting.recovery.examples.ratis.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.awaitility.Awaitility;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;

/**
 * Injects real faults into the harness' cluster: SIGKILL of a node's process, a flipped byte in a node's database
 * file or Raft log segment, and, through the nodes' fault hooks (custom control actions sent with the control
 * token), a hung apply, a slowed apply, applies that store a wrong result and a disk filled towards its quota; on a
 * harness with a {@link ClusterNetwork}, partitions of the network between the nodes and from the monitor.
 *
 * <p>Not thread-safe: used by the thread that drives the harness.
 */
public final class Faults {

    /** The fault hooks' custom actions, as {@code CoordinatorNode} serves them with {@code --fault-hooks}. */
    static final String HANG_APPLY = "fault_hang_apply";
    static final String SLOW_APPLY = "fault_slow_apply";
    static final String DIVERGE_APPLY = "fault_diverge_apply";
    static final String FILL_DISK = "fault_fill_disk";
    static final String CLEAR = "fault_clear";

    /** How long {@link #flipOldestTaskPage} waits for the tasks to outgrow the table's root page. */
    static final Duration TABLE_GROWTH = Duration.ofSeconds(60);

    private final ClusterLayout layout;
    private final NodeProcesses processes;
    private final Leadership leadership;
    private final HttpNodeControl control;

    /**
     * @param layout     the nodes' data directories, and the network
     * @param processes  the node processes, to kill
     * @param leadership who leads, to pick the leader or a follower
     * @param control    sends the fault hooks' actions, with the token
     */
    Faults(ClusterLayout layout, NodeProcesses processes, Leadership leadership, HttpNodeControl control) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.processes = Objects.requireNonNull(processes, "processes");
        this.leadership = Objects.requireNonNull(leadership, "leadership");
        this.control = Objects.requireNonNull(control, "control");
    }

    /**
     * Network partition of a minority: cuts {@code nodes} off from the other nodes, both ways, and, when
     * {@code monitorToo}, from the monitor as well (the daemon cannot reach them at their primary addresses). The
     * processes keep running. {@link #healNetwork()} ends it.
     *
     * @throws IllegalStateException if the harness has no {@link ClusterHarnessBuilder#network(boolean) network}
     */
    public Injection partition(List<String> nodes, boolean monitorToo) {
        ClusterNetwork network = layout.network();
        network.partition(nodes);
        if (monitorToo) {
            nodes.forEach(network::cutMonitor);
        }
        return new Injection("network_partition", FailureType.NETWORK_PARTITION, nodes.get(0), Instant.now(),
                "cut " + nodes + " off from the other nodes" + (monitorToo ? " and from the monitor" : ""));
    }

    /**
     * Split brain: cuts the agreed leader off from every other node, both ways, while the monitor still reaches it:
     * the majority elects a new leader while the old one goes on believing it leads (for as long as its
     * {@code --election-timeout-max} allows: Ratis steps a leader down once it has heard no majority for that long).
     */
    public Injection isolateLeader() {
        String leader = leadership.awaitLeader();
        layout.network().isolate(leader);
        return new Injection("split_brain", FailureType.SPLIT_BRAIN, leader, Instant.now(),
                "cut the leader '" + leader + "' off from the other nodes; the monitor still reaches it");
    }

    /**
     * Term divergence: cuts {@code node} off from every other node, both ways, while the monitor still reaches it. A
     * node started with {@code --pre-vote false} then campaigns again and again, raising its term each time.
     */
    public Injection isolateCampaigner(String node) {
        layout.network().isolate(node);
        return new Injection("term_divergence", FailureType.TERM_DIVERGENCE, node, Instant.now(),
                "cut '" + node + "' off from the other nodes; the monitor still reaches it");
    }

    /** Heals every link of the network. */
    public void healNetwork() {
        layout.network().healAll();
    }

    /** SIGKILL of a follower of the agreed leader. */
    public Injection killFollower() {
        return kill(leadership.followers().get(0), "crash_follower");
    }

    /** SIGKILL of the agreed leader. */
    public Injection killLeader() {
        return kill(leadership.awaitLeader(), "crash_leader");
    }

    /**
     * SIGKILL of the node's process (the one its {@code node.pid} names); returns once it has ended.
     *
     * @throws IllegalStateException if the node has no live process, or it does not end
     */
    public Injection kill(String node, String fault) {
        NodeProcesses.Killed killed = processes.kill(node);
        return new Injection(fault, FailureType.PROCESS_CRASH, node, killed.at(), "SIGKILL of pid " + killed.pid());
    }

    /**
     * Flips the page-type byte of the {@code workers} table's root page in the node's database file, under the
     * running node. The writer only submits tasks, so the node never writes that page back from its cache, which
     * would undo the flip.
     *
     * @throws IOException  if the file cannot be changed
     * @throws SQLException if the database cannot be read to find the page
     */
    public Injection flipDatabaseByte(String node) throws IOException, SQLException {
        Path db = layout.dataDir(node).databaseFile();
        Corruption.flipRootPageType(db, "workers");
        return new Injection("database_corruption", FailureType.DATABASE_CORRUPTION, node, Instant.now(),
                "flipped the page-type byte of the workers table's root page in " + db.getFileName());
    }

    /**
     * Flips the page-type byte of the page of the oldest tasks in the node's database file, under the running node
     * ({@link Corruption#flipOldestTaskPageType}: a page the running node does not write back). While the tasks
     * still fit on the table's root page, which every insert writes back, waits (up to {@link #TABLE_GROWTH}) for
     * the writer to fill it: a flip there would be undone by the next insert, and the fault would go unseen.
     *
     * @throws IOException  if the file cannot be changed
     * @throws SQLException if the database cannot be read to find the page
     * @throws org.awaitility.core.ConditionTimeoutException if the table does not outgrow its root page in time
     */
    public Injection flipOldestTaskPage(String node) throws IOException, SQLException {
        Path db = layout.dataDir(node).databaseFile();
        Awaitility.await().alias("the tasks of '" + node + "' to outgrow the table's root page (is the writer"
                        + " running?)")
                .atMost(TABLE_GROWTH).pollInterval(Duration.ofMillis(100))
                .until(() -> Corruption.oldestTaskLeaf(db).isPresent());
        long page = Corruption.flipOldestTaskPageType(db);
        return new Injection("database_corruption", FailureType.DATABASE_CORRUPTION, node, Instant.now(),
                "flipped the page-type byte of page " + page + " (the oldest tasks) in " + db.getFileName());
    }

    /**
     * Flips one byte amid the entries of the node's oldest Raft log segment, under the running node.
     *
     * @throws IOException if the segment cannot be changed
     */
    public Injection flipLogByte(String node) throws IOException {
        Path segment = Corruption.flipByteInOldestSegment(layout.dataDir(node).raftDir());
        return new Injection("log_corruption", FailureType.LOG_CORRUPTION, node, Instant.now(),
                "flipped a byte in log segment " + segment.getFileName());
    }

    /** Makes the node's next apply hang until released ({@value #HANG_APPLY}). */
    public Injection hangApply(String node) {
        String detail = custom(node, HANG_APPLY, Map.of());
        return new Injection("deadlock", FailureType.DEADLOCK, node, Instant.now(), detail);
    }

    /** Makes every apply on the node take {@code delay} longer ({@value #SLOW_APPLY}). */
    public Injection slowApply(String node, Duration delay) {
        String detail = custom(node, SLOW_APPLY, Map.of("delay_ms", delay.toMillis()));
        return new Injection("slow_follower", FailureType.SLOW_FOLLOWER, node, Instant.now(), detail);
    }

    /**
     * Makes the node's next {@code count} task inserts store a wrong payload ({@value #DIVERGE_APPLY}): its applied
     * index advances as on the other nodes, its state checksum differs from theirs from then on.
     *
     * @throws IllegalArgumentException if {@code count} is not positive
     */
    public Injection divergeApply(String node, int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("count must be > 0, but was " + count);
        }
        String detail = custom(node, DIVERGE_APPLY, Map.of("count", count));
        return new Injection("state_divergence", FailureType.STATE_DIVERGENCE, node, Instant.now(), detail);
    }

    /** Fills the node's data directory to {@code ratio} of its disk quota ({@value #FILL_DISK}). */
    public Injection fillDisk(String node, double ratio) {
        String detail = custom(node, FILL_DISK, Map.of("ratio", ratio));
        return new Injection("resource_exhaustion", FailureType.RESOURCE_EXHAUSTION, node, Instant.now(), detail);
    }

    /** Ends a hang, a slow-down or pending wrong applies on the node ({@value #CLEAR}). */
    public void clear(String node) {
        custom(node, CLEAR, Map.of());
    }

    private String custom(String node, String name, Map<String, Object> parameters) {
        ActionResult result;
        try {
            result = control.execute(new Action.Custom(NodeId.of(node), name, Action.Impact.NONE,
                    parameters));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending " + name + " to '" + node + "'", e);
        } catch (Exception e) {
            throw new IllegalStateException(name + " on '" + node + "' failed: " + e.getMessage(), e);
        }
        if (!(result instanceof ActionResult.Done)) {
            throw new IllegalStateException(name + " on '" + node + "' was not done: " + result.detail());
        }
        return result.detail();
    }
}
