package org.distributedtesting.recovery.examples.ratis.demo;

import java.time.Duration;
import org.distributedtesting.recovery.examples.ratis.harness.ClusterHarness;
import org.distributedtesting.recovery.examples.ratis.harness.Injection;

/**
 * The seven faults the demo injects, in the order it injects them, each a real fault on a real node: the process
 * killed with SIGKILL, a byte flipped in a file, or the apply path or the disk changed through the node's fault
 * hooks.
 *
 * <p>Immutable and thread-safe.
 */
enum DemoFault {

    /** SIGKILL of a follower. */
    CRASH_FOLLOWER("crash_follower", false),
    /** SIGKILL of the leader; Ratis elects another. */
    CRASH_LEADER("crash_leader", true),
    /** A byte flipped in an index page of a node's SQLite database file, under the running node. */
    DATABASE_CORRUPTION("database_corruption", false),
    /** A byte flipped amid the entries of a node's oldest Raft log segment, under the running node. */
    LOG_CORRUPTION("log_corruption", false),
    /** A node's apply path hangs on the next entry. */
    HUNG_APPLY("hung_apply", false),
    /** Every apply of a node takes {@link #SLOW_APPLY} longer, slower than the writes come. */
    SLOW_FOLLOWER("slow_follower", false),
    /** A node's data directory filled to {@link #DISK_FILL_RATIO} of its disk quota. */
    DISK_FULL("disk_full", false);

    /** The delay added to each apply of the slow follower: the writer commits about 20 entries a second. */
    static final Duration SLOW_APPLY = Duration.ofMillis(150);

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
        };
        return new Injection(key, injection.expected(), injection.node(), injection.at(), injection.detail());
    }
}
