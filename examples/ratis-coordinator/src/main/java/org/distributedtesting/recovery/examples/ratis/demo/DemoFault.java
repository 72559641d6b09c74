package org.distributedtesting.recovery.examples.ratis.demo;

import java.time.Duration;
import org.distributedtesting.recovery.examples.ratis.harness.ClusterHarness;
import org.distributedtesting.recovery.examples.ratis.harness.Injection;

/**
 * The nine faults the demo injects, in the order it injects them, each a real fault on a real node: the process
 * killed with SIGKILL, a byte flipped in a file, the apply path or the disk changed through the node's fault hooks,
 * or the node's network links cut in the cluster's fault proxies (and healed again by the demo).
 *
 * <p>Immutable and thread-safe.
 */
enum DemoFault {

    /** SIGKILL of a follower. */
    CRASH_FOLLOWER("crash_follower", false),
    /** SIGKILL of the leader; Ratis elects another. */
    CRASH_LEADER("crash_leader", true),
    /** The page-type byte of the oldest tasks' page flipped in a node's SQLite database, under the running node. */
    DATABASE_CORRUPTION("database_corruption", false),
    /** A byte flipped amid the entries of a node's oldest Raft log segment, under the running node. */
    LOG_CORRUPTION("log_corruption", false),
    /** A node's apply path hangs on the next entry. */
    HUNG_APPLY("hung_apply", false),
    /** Every apply of a node takes {@link #SLOW_APPLY} longer, slower than the writes come. */
    SLOW_FOLLOWER("slow_follower", false),
    /** A node's data directory filled to {@link #DISK_FILL_RATIO} of its disk quota. */
    DISK_FULL("disk_full", false),
    /** A follower cut off from the other nodes and from the monitor; healed once the daemon waits for it to heal. */
    PARTITION("partition", false),
    /**
     * The leader ({@link #STALE_LEADER}, made leader first) cut off from the other nodes while it goes on leading;
     * healed once the daemon fenced it.
     */
    SPLIT_BRAIN("split_brain", true);

    /** The delay added to each apply of the slow follower: the writer commits about 20 entries a second. */
    static final Duration SLOW_APPLY = Duration.ofMillis(150);

    /** The node that leads when the split brain is injected: the only one with a long election timeout. */
    static final String STALE_LEADER = "node-1";

    /** How long {@link #STALE_LEADER}, cut off, goes on believing it leads before Ratis steps it down. */
    static final Duration STALE_LEADER_TIMEOUT = Duration.ofSeconds(60);

    /** How full the disk fault makes the node's quota; the resource detector's threshold is 90 %. */
    static final double DISK_FILL_RATIO = 0.95;

    private final String key;
    private final boolean hitsLeader;

    DemoFault(String key, boolean hitsLeader) {
        this.key = key;
        this.hitsLeader = hitsLeader;
    }

    /** The fault's name in the timeline and the summary. */
    String key() {
        return key;
    }

    /** Whether the fault is injected into the leader; otherwise into a follower. */
    boolean hitsLeader() {
        return hitsLeader;
    }

    /** Whether the demo heals the fault itself (a network cut), and when: see {@link #readyToHeal}. */
    boolean healedByDemo() {
        return this == PARTITION || this == SPLIT_BRAIN;
    }

    /**
     * Whether the demo heals the network now: for a partition once the daemon is waiting for it to heal (its
     * {@code network_partition_detected} record), for a split brain once the daemon fenced the stale leader and
     * verified it.
     */
    boolean readyToHeal(Injection injection, java.util.List<org.distributedtesting.recovery.examples.ratis.harness
            .JournalEntry> journal) {
        return org.distributedtesting.recovery.examples.ratis.harness.JournalEntry.recorded(journal,
                this == PARTITION ? "network_partition_detected" : "recovery_verified", injection.expected().name(),
                injection.node(), injection.at());
    }

    /**
     * Injects the fault into {@code node} of the cluster.
     *
     * @return what was done and when, with the failure type the daemon should detect
     * @throws Exception if the fault could not be injected (the node is gone, a file cannot be changed, a fault hook
     *                   refused)
     */
    Injection inject(ClusterHarness cluster, String node) throws Exception {
        Injection injection = switch (this) {
            case CRASH_FOLLOWER, CRASH_LEADER -> cluster.faults().kill(node, key);
            case DATABASE_CORRUPTION -> cluster.faults().flipOldestTaskPage(node);
            case LOG_CORRUPTION -> cluster.faults().flipLogByte(node);
            case HUNG_APPLY -> cluster.faults().hangApply(node);
            case SLOW_FOLLOWER -> cluster.faults().slowApply(node, SLOW_APPLY);
            case DISK_FULL -> cluster.faults().fillDisk(node, DISK_FILL_RATIO);
            case PARTITION -> cluster.faults().partition(java.util.List.of(node), true);
            case SPLIT_BRAIN -> {
                cluster.makeLeader(STALE_LEADER);
                yield cluster.faults().isolateLeader();
            }
        };
        return new Injection(key, injection.expected(), injection.node(), injection.at(), injection.detail());
    }
}
