package org.distributedtesting.recovery.core.sim;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.Role;

/**
 * Fault injection for the ten failure modes, each with its heal, and noise that is not a failure. Obtain it from
 * {@link SimulatedCluster#faults()}; {@link #inject(FailureType, NodeId)} picks the typical fault of a type.
 *
 * <p>Thread-safe: every method holds the cluster's lock.
 */
public final class SimFaults {

    private final SimulatedCluster cluster;

    SimFaults(SimulatedCluster cluster) {
        this.cluster = cluster;
    }

    private Simulation sim() {
        return cluster.simulation();
    }

    private InjectedFault fault(FailureType type, List<NodeId> nodes, String description, Runnable healer) {
        sim().trace("inject " + type + " on " + nodes + ": " + description);
        return new InjectedFault(type, nodes, description, sim().now(), () -> {
            synchronized (cluster) {
                healer.run();
                sim().trace("heal " + type + " on " + nodes);
            }
        });
    }

    /**
     * The typical fault of a failure type on a node (for split brain, the node should be the leader; for the
     * others, any node).
     *
     * @throws IllegalArgumentException for a type the simulator cannot produce
     */
    public synchronized InjectedFault inject(FailureType type, NodeId node) {
        synchronized (cluster) {
            switch (type.name()) {
                case "process_crash": return crash(node);
                case "network_partition": return isolate(node);
                case "database_corruption": return corruptDatabase(node);
                case "log_corruption": return corruptLog(node, RaftLog.Corruption.values()[
                        sim().random.nextInt(RaftLog.Corruption.values().length)].name());
                case "split_brain": return staleLeader(node);
                case "term_divergence": return campaignLoop(node);
                case "state_divergence": return wrongApply(node, 1);
                case "deadlock": return applyStuck(node);
                case "resource_exhaustion": return diskFill(node, 200L << 20);
                // a slow disk, not a slow link: a link delay only shifts the follower by a constant few entries,
                // while a disk slower than the heartbeat makes its lag grow for as long as writes come
                case "slow_follower": return slowDisk(node, Duration.ofMillis(300));
                default: throw new IllegalArgumentException("the simulator cannot inject failure type '" + type
                        + "'; it knows the ten standard ones");
            }
        }
    }

    // ---- 1. process crash ----------------------------------------------------------------------------------------

    /** The node's process dies (SIGKILL). Heal: nothing to undo; a restart brings it back. */
    public InjectedFault crash(NodeId node) {
        synchronized (cluster) {
            sim().node(node).crash();
            return fault(FailureType.PROCESS_CRASH, List.of(node), "process killed", () -> { });
        }
    }

    /** The node crashes now and again {@code after} each of its next {@code times} starts. */
    public InjectedFault crashLoop(NodeId node, int times, Duration after) {
        synchronized (cluster) {
            RaftNode n = sim().node(node);
            n.faults.crashLoopsLeft = times;
            n.faults.crashLoopAfterMillis = after.toMillis();
            n.crash();
            return fault(FailureType.PROCESS_CRASH, List.of(node), "crash loop: dies " + after.toMillis()
                    + " ms after each of its next " + times + " starts", () -> n.faults.crashLoopsLeft = 0);
        }
    }

    // ---- 2. network partition -------------------------------------------------------------------------------------

    /** Cuts the node off from its peers and from the monitor, both ways; its process stays alive. */
    public InjectedFault isolate(NodeId node) {
        synchronized (cluster) {
            int i = sim().node(node).index;
            for (int p : sim().peersOf(i)) {
                sim().network.cut(i, p, true);
                sim().network.cut(p, i, true);
            }
            sim().network.monitorCut(i, true);
            return fault(FailureType.NETWORK_PARTITION, List.of(node), "isolated from peers and monitor",
                    () -> {
                        for (int p : sim().peersOf(i)) {
                            sim().network.cut(i, p, false);
                            sim().network.cut(p, i, false);
                        }
                        sim().network.monitorCut(i, false);
                    });
        }
    }

    /**
     * Splits the cluster into groups that cannot reach each other, in either direction; nodes in no group keep
     * their links. {@link SimulatedCluster#partition(Set[])} does the same. Heal: every link back to normal.
     *
     * @return the fault, whose nodes are the smallest group
     * @throws IllegalArgumentException if a node is not in the cluster
     */
    public InjectedFault partition(List<Set<NodeId>> groups) {
        synchronized (cluster) {
            cluster.cut(groups);
            List<NodeId> minority = groups.stream().min((a, b) -> Integer.compare(a.size(), b.size()))
                    .map(List::copyOf).orElse(List.of());
            return fault(FailureType.NETWORK_PARTITION, minority, "partition " + groups,
                    () -> sim().network.healAll());
        }
    }

    /**
     * Splits the cluster into groups that cannot reach each other; the same as {@link #partition(List)}, with the
     * signature of {@link SimulatedCluster#partition(Set[])}.
     *
     * @return the fault, whose nodes are the smallest group
     * @throws IllegalArgumentException if a node is not in the cluster
     */
    @SafeVarargs
    public final InjectedFault partition(Set<NodeId>... groups) {
        return partition(java.util.Arrays.asList(groups));
    }

    /** Cuts the link from one node to another in one direction only. */
    public InjectedFault cutOneWay(NodeId from, NodeId to) {
        synchronized (cluster) {
            int a = sim().node(from).index;
            int b = sim().node(to).index;
            sim().network.cut(a, b, true);
            return fault(FailureType.NETWORK_PARTITION, List.of(from, to), "one-way cut " + from + " -> " + to,
                    () -> sim().network.cut(a, b, false));
        }
    }

    /** Makes the links between two nodes drop a fraction of messages, both ways. */
    public InjectedFault flaky(NodeId a, NodeId b, double dropRate) {
        synchronized (cluster) {
            int x = sim().node(a).index;
            int y = sim().node(b).index;
            sim().network.drop(x, y, dropRate);
            sim().network.drop(y, x, dropRate);
            return fault(FailureType.NETWORK_PARTITION, List.of(a, b),
                    String.format(Locale.ROOT, "flaky link, %.0f%% loss", dropRate * 100), () -> {
                        sim().network.drop(x, y, 0);
                        sim().network.drop(y, x, 0);
                    });
        }
    }

    /** The monitor cannot reach the node; the nodes still reach each other. */
    public InjectedFault monitorCut(NodeId node) {
        synchronized (cluster) {
            int i = sim().node(node).index;
            sim().network.monitorCut(i, true);
            return fault(FailureType.NETWORK_PARTITION, List.of(node), "monitor cannot reach the node",
                    () -> sim().network.monitorCut(i, false));
        }
    }

    // ---- 3. database corruption, 4. log corruption ----------------------------------------------------------------

    /** Flips bytes in the node's database. Heal: nothing to undo; the database must be restored. */
    public InjectedFault corruptDatabase(NodeId node) {
        synchronized (cluster) {
            sim().node(node).db.corrupt("bytes flipped in page " + (1 + sim().random.nextInt(64)));
            return fault(FailureType.DATABASE_CORRUPTION, List.of(node), "database page corrupted", () -> { });
        }
    }

    /**
     * Corrupts the node's log: {@code CHECKSUM}, {@code GAP} or {@code TERM_ORDER}. Heal: nothing to undo; the
     * log must be reset and refilled.
     */
    public InjectedFault corruptLog(NodeId node, String kind) {
        synchronized (cluster) {
            RaftLog.Corruption corruption = RaftLog.Corruption.valueOf(kind.toUpperCase(Locale.ROOT));
            sim().node(node).log.corrupt(corruption, sim().random);
            return fault(FailureType.LOG_CORRUPTION, List.of(node), "log corrupted: " + corruption, () -> { });
        }
    }

    // ---- 5. split brain --------------------------------------------------------------------------------------------

    /**
     * Cuts the leader off from the other nodes while the monitor still sees it: it keeps believing it leads while
     * the majority elects another leader. Heal: the links come back.
     */
    public InjectedFault staleLeader(NodeId leader) {
        synchronized (cluster) {
            int i = sim().node(leader).index;
            for (int p : sim().peersOf(i)) {
                sim().network.cut(i, p, true);
                sim().network.cut(p, i, true);
            }
            return fault(FailureType.SPLIT_BRAIN, List.of(leader), "leader cut off from the majority", () -> {
                for (int p : sim().peersOf(i)) {
                    sim().network.cut(i, p, false);
                    sim().network.cut(p, i, false);
                }
            });
        }
    }

    /**
     * A bug: the node declares itself leader in the current leader's term without votes, so two leaders share a
     * term (a safety violation the invariant checker should be told to expect with its term exemption).
     * Heal: the bug is gone; the node steps down.
     */
    public InjectedFault twoLeadersInOneTerm(NodeId node) {
        synchronized (cluster) {
            RaftNode n = sim().node(node);
            RaftNode leader = sim().leaderNode();
            if (leader != null && leader != n) {
                n.term = leader.term;
                n.votedFor = n.index;
            }
            n.becomeLeader();
            return fault(FailureType.SPLIT_BRAIN, List.of(node), "declared itself leader of term " + n.term
                    + " without votes", () -> {
                        if (n.alive && n.role == Role.LEADER) {
                            n.becomeFollower(n.term, -1);
                            n.resetElectionTimer();
                        }
                    });
        }
    }

    // ---- 6. term divergence ----------------------------------------------------------------------------------------

    /**
     * The node is cut off from its peers (the monitor still sees it), has pre-vote off and campaigns in a loop, so
     * its term climbs far past the others'. Heal: it reconnects and stops looping.
     */
    public InjectedFault campaignLoop(NodeId node) {
        synchronized (cluster) {
            RaftNode n = sim().node(node);
            InjectedFault cut = staleLeaderLinks(n);
            n.faults.campaignLoop = true;
            return fault(FailureType.TERM_DIVERGENCE, List.of(node), "campaigning in a loop, cut off", () -> {
                n.faults.campaignLoop = false;
                cut.heal();
            });
        }
    }

    private InjectedFault staleLeaderLinks(RaftNode n) {
        for (int p : sim().peersOf(n.index)) {
            sim().network.cut(n.index, p, true);
            sim().network.cut(p, n.index, true);
        }
        return new InjectedFault(FailureType.TERM_DIVERGENCE, List.of(n.id), "links", sim().now(), () -> {
            for (int p : sim().peersOf(n.index)) {
                sim().network.cut(n.index, p, false);
                sim().network.cut(p, n.index, false);
            }
        });
    }

    /** The node's term jumps ahead by {@code delta} (a restored old disk, a bug). */
    public InjectedFault termJump(NodeId node, long delta) {
        synchronized (cluster) {
            RaftNode n = sim().node(node);
            n.becomeFollower(n.term + delta, -1);
            n.resetElectionTimer();
            return fault(FailureType.TERM_DIVERGENCE, List.of(node), "term jumped by " + delta, () -> { });
        }
    }

    // ---- 7. state divergence ---------------------------------------------------------------------------------------

    /** The node computes a wrong result for its next {@code count} applied commands. */
    public InjectedFault wrongApply(NodeId node, int count) {
        synchronized (cluster) {
            RaftNode n = sim().node(node);
            n.faults.wrongApplies = count;
            return fault(FailureType.STATE_DIVERGENCE, List.of(node), "applies the next " + count
                    + " commands wrongly", () -> n.faults.wrongApplies = 0);
        }
    }

    // ---- 8. deadlock -----------------------------------------------------------------------------------------------

    /** The node's apply loop hangs: commit advances, apply does not. Heal: the loop unsticks. */
    public InjectedFault applyStuck(NodeId node) {
        synchronized (cluster) {
            RaftNode n = sim().node(node);
            n.faults.applyStuck = true;
            n.faults.applyStuckSince = sim().now();
            return fault(FailureType.DEADLOCK, List.of(node), "apply loop stuck", () -> {
                n.faults.applyStuck = false;
                n.faults.applyStuckSince = -1;
                n.applyCommitted();
            });
        }
    }

    /**
     * The node's consensus module stops while its process and protocol server go on: it answers with role unknown and
     * takes no part in elections or replication. A restart brings it back. Heal: it serves again.
     */
    public InjectedFault notServing(NodeId node) {
        synchronized (cluster) {
            RaftNode n = sim().node(node);
            n.faults.notServing = true;
            n.becomeFollower(n.term, -1);
            return fault(FailureType.DEADLOCK, List.of(node), "consensus module stopped; answers with role unknown",
                    () -> {
                        if (n.faults.notServing) {
                            n.faults.notServing = false;
                            n.resetElectionTimer();
                        }
                    });
        }
    }

    /** {@code count} operations on the node never finish. Heal: they finish. */
    public InjectedFault stuckOperations(NodeId node, int count) {
        synchronized (cluster) {
            RaftNode n = sim().node(node);
            n.faults.stuckOperations = count;
            n.faults.stuckOperationsSince = sim().now();
            return fault(FailureType.DEADLOCK, List.of(node), count + " operations never finish", () -> {
                n.faults.stuckOperations = 0;
                n.faults.stuckOperationsSince = -1;
            });
        }
    }

    // ---- 9. resource exhaustion ------------------------------------------------------------------------------------

    /** The node's disk fills by {@code bytesPerSecond} (old snapshots piling up). Heal: it stops filling. */
    public InjectedFault diskFill(NodeId node, long bytesPerSecond) {
        return growth(node, "disk fills by " + bytesPerSecond + " B/s", f -> f.diskGrowthPerSecond = bytesPerSecond,
                f -> f.diskGrowthPerSecond = 0);
    }

    /** The node leaks {@code bytesPerSecond} of memory. Heal: the leak stops. */
    public InjectedFault memoryLeak(NodeId node, long bytesPerSecond) {
        return growth(node, "leaks " + bytesPerSecond + " B/s of memory",
                f -> f.memoryGrowthPerSecond = bytesPerSecond, f -> f.memoryGrowthPerSecond = 0);
    }

    /** The node leaks {@code perSecond} file handles. Heal: the leak stops. */
    public InjectedFault fileHandleLeak(NodeId node, long perSecond) {
        return growth(node, "leaks " + perSecond + " file handles/s", f -> f.fileGrowthPerSecond = perSecond,
                f -> f.fileGrowthPerSecond = 0);
    }

    private InjectedFault growth(NodeId node, String description, java.util.function.Consumer<NodeFaults> on,
                                 java.util.function.Consumer<NodeFaults> off) {
        synchronized (cluster) {
            RaftNode n = sim().node(node);
            n.resources.update(sim().now(), n.faults);
            on.accept(n.faults);
            return fault(FailureType.RESOURCE_EXHAUSTION, List.of(node), description, () -> {
                n.resources.update(sim().now(), n.faults);
                off.accept(n.faults);
            });
        }
    }

    // ---- 10. slow follower -----------------------------------------------------------------------------------------

    /** Every message to the node is delayed by {@code delay}. Heal: the delay goes. */
    public InjectedFault slowFollower(NodeId node, Duration delay) {
        synchronized (cluster) {
            int i = sim().node(node).index;
            for (int p : sim().peersOf(i)) {
                sim().network.delay(p, i, delay.toMillis());
            }
            return fault(FailureType.SLOW_FOLLOWER, List.of(node), "links into the node delayed by "
                    + delay.toMillis() + " ms", () -> {
                        for (int p : sim().peersOf(i)) {
                            sim().network.delay(p, i, 0);
                        }
                    });
        }
    }

    /** The node's disk writes take {@code delay} each. Heal: the disk is fast again. */
    public InjectedFault slowDisk(NodeId node, Duration delay) {
        synchronized (cluster) {
            RaftNode n = sim().node(node);
            n.faults.slowDiskMillis = delay.toMillis();
            return fault(FailureType.SLOW_FOLLOWER, List.of(node), "disk writes take " + delay.toMillis() + " ms",
                    () -> n.faults.slowDiskMillis = 0);
        }
    }

    // ---- a node that resists recovery -----------------------------------------------------------------------------

    /**
     * Every recovery action on the node fails from now on, and its process will not start: for tests of the
     * ladder's climb and the engine's escalation. Heal: actions work again.
     */
    public InjectedFault refuseActions(NodeId node) {
        synchronized (cluster) {
            RaftNode n = sim().node(node);
            n.faults.refusesActions = true;
            sim().trace(node + " refuses every recovery action");
            return new InjectedFault(FailureType.custom("refuses_actions", 0), List.of(node),
                    "refuses every recovery action", sim().now(), () -> {
                        synchronized (cluster) {
                            n.faults.refusesActions = false;
                        }
                    });
        }
    }

    // ---- noise that is not a failure -------------------------------------------------------------------------------

    /** Random extra latency on every message, up to {@code max}. */
    public void jitter(Duration max) {
        synchronized (cluster) {
            sim().network.jitter(max.toMillis());
        }
    }

    /** A GC-like pause: the node answers nothing for {@code duration}. */
    public void pause(NodeId node, Duration duration) {
        synchronized (cluster) {
            RaftNode n = sim().node(node);
            n.faults.pausedUntil = sim().now() + duration.toMillis();
            sim().trace(node + " paused for " + duration.toMillis() + " ms");
        }
    }

    /** A follower briefly behind: messages to it are delayed for {@code duration}, then it catches up. */
    public void briefLag(NodeId node, Duration delay, Duration duration) {
        synchronized (cluster) {
            InjectedFault slow = slowFollower(node, delay);
            sim().loop.schedule(duration.toMillis(), slow::heal);
        }
    }
}
