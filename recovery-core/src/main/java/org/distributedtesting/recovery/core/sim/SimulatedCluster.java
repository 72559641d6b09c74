package org.distributedtesting.recovery.core.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeProbe;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;
import org.distributedtesting.recovery.core.EngineBuilder;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.Sleeper;
import org.distributedtesting.recovery.spi.ProcessSupervisor;

/**
 * A cluster of simulated Raft coordinator nodes on virtual time, for unit tests and for the daemon's
 * {@code --simulate} mode. Honest Raft, not a script: randomized election timeouts from a seeded random source,
 * optional pre-vote, AppendEntries replication, commit by majority, in-order apply to a key-value state machine
 * whose checksum is exposed with its index, snapshots, and a database and log per node whose integrity can be
 * checked. The same seed gives the same run.
 *
 * <pre>{@code
 * SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(42).build();
 * NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
 * cluster.writeAndWait("hello", Duration.ofSeconds(1));
 * NodeId follower = cluster.anyFollower();
 * cluster.crash(follower);
 * }</pre>
 *
 * <p>Thread-safe: every method holds the cluster's lock, so the engine's probes and actions and the test's own
 * calls never interleave inside the simulation.
 */
public final class SimulatedCluster {

    private static final long STEP_MILLIS = 10;

    private final Simulation sim;
    private final List<NodeSpec> specs;
    private final SimFaults faults = new SimFaults(this);
    private final InvariantChecker invariants;

    private SimulatedCluster(SimConfig config) {
        this.sim = new Simulation(config);
        this.invariants = new InvariantChecker(sim, this);
        sim.onAction(invariants::actionExecuted);
        List<NodeSpec> list = new ArrayList<>();
        for (RaftNode node : sim.nodes) {
            list.add(NodeSpec.of(node.id.value(), "sim", 7001 + node.index,
                    java.nio.file.Path.of("sim", node.id.value())));
        }
        this.specs = List.copyOf(list);
        for (RaftNode node : sim.nodes) {
            node.start();
        }
    }

    // ---- wiring the engine to the simulation -------------------------------------------------------------------

    /** The nodes as the engine knows them (host {@code sim}, ports from 7001). */
    public List<NodeSpec> nodeSpecs() {
        return specs;
    }

    NodeSpec spec(NodeId id) {
        return specs.stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("node '" + id + "' is not in this cluster"));
    }

    /** What each node answers to a status probe. */
    public NodeProbe probe() {
        return new SimProbe(this);
    }

    /** Carries out the engine's actions on the simulated nodes. */
    public NodeControl control() {
        return new SimControl(this);
    }

    /** Starts and stops the simulated nodes' processes. */
    public ProcessSupervisor supervisor() {
        return new SimSupervisor(this);
    }

    /** Waiting advances the simulation instead of the wall clock. */
    public Sleeper sleeper() {
        return this::advance;
    }

    /**
     * An engine builder wired to this cluster: its nodes, probe, control, supervisor, virtual clock and sleeper,
     * probes run one after another on the cycle thread (deterministic), cycle durations measured in virtual time
     * (so the events of a run are the same for the same seed), and the {@link #invariants() invariant checker}
     * listening to its events (for {@value InvariantChecker#AVAILABILITY}). Add strategies, options, a journal and
     * listeners, then build.
     */
    public EngineBuilder engine() {
        return RecoveryEngine.builder().nodes(specs).probe(probe()).control(control()).supervisor(supervisor())
                .clock(sim.clock).sleeper(sleeper()).ticker(() -> sim.now() * 1_000_000L)
                .probeExecutor(Runnable::run).listener(invariants::recoveryEvent);
    }

    /** Fault injection for the ten failure modes and noise. */
    public SimFaults faults() {
        return faults;
    }

    /** What was moved aside on a node (by the engine's backups), oldest first. */
    public synchronized List<String> movedAside(NodeId node) {
        return List.copyOf(raft(node).movedAside);
    }

    /** A builder with etcd-like defaults: 3 nodes, seed 1, pre-vote on. */
    public static Builder builder() {
        return new Builder();
    }

    /** The settings. */
    public SimConfig config() {
        return sim.config;
    }

    /** The virtual clock. */
    public SimClock clock() {
        return sim.clock;
    }

    /** The node ids, in order. */
    public List<NodeId> nodeIds() {
        return sim.nodes.stream().map(n -> n.id).toList();
    }

    Simulation simulation() {
        return sim;
    }

    RaftNode raft(NodeId id) {
        Objects.requireNonNull(id, "node");
        for (RaftNode node : sim.nodes) {
            if (node.id.equals(id)) {
                return node;
            }
        }
        throw new IllegalArgumentException("node '" + id + "' is not in this cluster; nodes: " + nodeIds());
    }

    /**
     * Lets {@code duration} of virtual time pass, running every event due.
     *
     * @throws IllegalArgumentException if negative
     */
    public synchronized void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must be >= 0, but was " + duration);
        }
        sim.loop.runUntil(sim.now() + duration.toMillis(), this::afterEvent);
    }

    private void afterEvent() {
        invariants.afterEvent();
    }

    /** The invariant checker watching this cluster since it was built. */
    public InvariantChecker invariants() {
        return invariants;
    }

    /** Live nodes that claim to lead, highest term first. */
    public synchronized List<NodeId> leaders() {
        return sim.nodes.stream().filter(n -> n.alive && n.role == Role.LEADER)
                .sorted(Comparator.comparingLong((RaftNode n) -> n.term).reversed()).map(n -> n.id).toList();
    }

    /** The live leader with the highest term, if any. */
    public synchronized Optional<NodeId> leader() {
        return leaders().stream().findFirst();
    }

    /**
     * Advances time until a leader is elected that a majority of voters follows in its term, or {@code max}
     * passes; returns it.
     */
    public synchronized Optional<NodeId> awaitLeader(Duration max) {
        long end = sim.now() + max.toMillis();
        while (true) {
            Optional<NodeId> stable = stableLeader();
            if (stable.isPresent() || sim.now() >= end) {
                return stable;
            }
            advance(Duration.ofMillis(Math.min(STEP_MILLIS, end - sim.now())));
        }
    }

    private Optional<NodeId> stableLeader() {
        for (RaftNode candidate : sim.nodes) {
            if (!candidate.alive || candidate.role != Role.LEADER) {
                continue;
            }
            long followers = sim.voters.stream().map(sim.nodes::get)
                    .filter(n -> n.alive && n.term == candidate.term && n.leader == candidate.index).count();
            if (followers >= sim.majority()) {
                return Optional.of(candidate.id);
            }
        }
        return Optional.empty();
    }

    /**
     * The live nodes that follow the current leader (the live leader of the highest term) in its term, in node
     * order: the followers a test can crash or cut off without touching the leader.
     *
     * @return voters and non-voters following the current leader; empty without a live leader
     */
    public synchronized List<NodeId> followers() {
        Optional<NodeId> leader = leader();
        if (leader.isEmpty()) {
            return List.of();
        }
        RaftNode l = raft(leader.get());
        return sim.nodes.stream().filter(n -> n.alive && n != l && n.term == l.term && n.leader == l.index)
                .map(n -> n.id).toList();
    }

    /**
     * The first node, in node order, that follows the current leader: a deterministic pick for a test that needs
     * "a follower" (the same seed gives the same node).
     *
     * @throws IllegalStateException if there is no live leader or no node follows it yet (call
     *                               {@link #awaitLeader(Duration)} first)
     */
    public synchronized NodeId anyFollower() {
        List<NodeId> followers = followers();
        if (followers.isEmpty()) {
            throw new IllegalStateException(leader().map(l -> "no node follows the leader " + l + " yet")
                    .orElse("there is no live leader") + " at " + sim.now() + " ms virtual; call awaitLeader(...) "
                    + "first");
        }
        return followers.get(0);
    }

    /**
     * Sends a write to the leader the client can reach (the one with the highest term); it is acknowledged later,
     * once committed and applied. A write no leader takes is recorded at once as never acknowledged, with index
     * -1: nothing waits here.
     */
    public synchronized ClientWrite write(String value) {
        Objects.requireNonNull(value, "value");
        long id = sim.writes.size() + 1L;
        String key = "w" + id;
        RaftNode target = clientLeader();
        long index = target == null ? -1 : target.propose(key + "=" + value);
        ClientWrite write = new ClientWrite(id, key, value, sim.now(), index,
                index < 0 ? -1 : target.term, OptionalLong.empty());
        sim.writes.add(write);
        if (index >= 0 && target.db.appliedIndex() >= index) {
            // a single node commits and applies inside propose(): acknowledge at once
            sim.writes.set(sim.writes.size() - 1, write.acknowledge(sim.now()));
        } else if (index >= 0) {
            sim.pending.put(key, sim.writes.size() - 1);
        }
        return latest(write);
    }

    private RaftNode clientLeader() {
        return sim.nodes.stream()
                .filter(n -> n.alive && n.role == Role.LEADER && sim.network.clientReaches(n.index) && !n.paused())
                .max(Comparator.comparingLong(n -> n.term)).orElse(null);
    }

    /**
     * Writes and advances time until the write is acknowledged or {@code max} of virtual time passes; returns its
     * final state. Without a leader the client reaches, it first waits (within {@code max}) for one to take the
     * write. A write a leader took but could not commit in time (no majority) is returned unacknowledged: check
     * {@link ClientWrite#acknowledged()} when that can happen.
     *
     * @throws IllegalStateException    if no leader the client reaches appeared within {@code max}, so no node
     *                                  took the write (nothing is recorded)
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public synchronized ClientWrite writeAndWait(String value, Duration max) {
        Objects.requireNonNull(value, "value");
        if (max.isNegative()) {
            throw new IllegalArgumentException("max must be >= 0, but was " + max);
        }
        long end = sim.now() + max.toMillis();
        while (clientLeader() == null && sim.now() < end) {
            advance(Duration.ofMillis(Math.min(STEP_MILLIS, end - sim.now())));
        }
        if (clientLeader() == null) {
            List<NodeId> leaders = leaders();
            throw new IllegalStateException("no leader took the write '" + value + "' within " + max.toMillis()
                    + " ms of virtual time: " + (leaders.isEmpty() ? "there is no live leader"
                    : "the client reaches none of the leaders " + leaders) + "; call awaitLeader(...) first, or "
                    + "use write(...) to record a write that no leader takes");
        }
        ClientWrite write = write(value);
        while (!latest(write).acknowledged() && write.index() >= 0 && sim.now() < end) {
            advance(Duration.ofMillis(Math.min(STEP_MILLIS, end - sim.now())));
        }
        return latest(write);
    }

    private ClientWrite latest(ClientWrite write) {
        return sim.writes.get((int) write.id() - 1);
    }

    /** Every write so far, in order. */
    public synchronized List<ClientWrite> writes() {
        return List.copyOf(sim.writes);
    }

    /** Ground truth about one node. @throws IllegalArgumentException if the node is unknown */
    public synchronized NodeView view(NodeId id) {
        RaftNode n = raft(id);
        return new NodeView(n.id, n.alive, n.alive ? n.role : Role.UNKNOWN, n.term,
                n.leader < 0 ? Optional.empty() : Optional.of(sim.nodes.get(n.leader).id), sim.voters.contains(n.index),
                n.commitIndex, n.db.appliedIndex(), n.log.lastIndex(),
                new StateChecksum(Hashing.hex(n.db.checksum()), n.db.appliedIndex()), n.db.check(), n.log.check(),
                n.db.rows());
    }

    /** Ground truth about every node. */
    public synchronized List<NodeView> views() {
        List<NodeView> views = new ArrayList<>();
        for (NodeId id : nodeIds()) {
            views.add(view(id));
        }
        return views;
    }

    /**
     * Each node's term, and -1 for a node that is down, in node order: the terms {@link #views()} shows, read without
     * building views (a view copies the node's rows, which grow with every write).
     */
    synchronized long[] terms() {
        long[] terms = new long[sim.nodes.size()];
        for (RaftNode n : sim.nodes) {
            terms[n.index] = n.alive ? n.term : -1L;
        }
        return terms;
    }

    /** What happened, one line per event, with virtual seconds; equal for equal seeds. */
    public synchronized List<String> trace() {
        return List.copyOf(sim.trace());
    }

    // ---- process and network faults (more in Faults) -----------------------------------------------------------

    /**
     * The node's process dies now (SIGKILL); the same as {@code faults().crash(node)}.
     *
     * @return the fault, to heal (nothing to undo: a restart brings the node back)
     * @throws IllegalArgumentException if the node is not in the cluster
     */
    public synchronized InjectedFault crash(NodeId node) {
        return faults.crash(node);
    }

    /** The node's process starts (if it is down). */
    public synchronized void start(NodeId node) {
        RaftNode n = raft(node);
        if (!n.alive) {
            n.start();
        }
    }

    /**
     * Splits the cluster: nodes in different groups cannot reach each other, in either direction; nodes in no
     * group keep their links; the same as {@code faults().partition(groups)}. {@link #healNetwork()} or the
     * returned fault's {@link InjectedFault#heal()} undoes it.
     *
     * @return the fault, whose nodes are the smallest group
     * @throws IllegalArgumentException if a node is not in the cluster
     */
    @SafeVarargs
    public final synchronized InjectedFault partition(Set<NodeId>... groups) {
        return faults.partition(java.util.Arrays.asList(groups));
    }

    /** Cuts the links between the groups; the fault injection's part of {@link #partition(Set[])}. */
    synchronized void cut(List<Set<NodeId>> groups) {
        for (int a = 0; a < groups.size(); a++) {
            for (int b = 0; b < groups.size(); b++) {
                if (a == b) {
                    continue;
                }
                for (NodeId x : groups.get(a)) {
                    for (NodeId y : groups.get(b)) {
                        sim.network.cut(raft(x).index, raft(y).index, true);
                    }
                }
            }
        }
        sim.trace("partition " + groups);
    }

    /** Every network link back to normal. */
    public synchronized void healNetwork() {
        sim.network.healAll();
        sim.trace("network healed");
    }

    /** Builds a {@link SimulatedCluster}. Not thread-safe. */
    public static final class Builder {
        private int nodes = 3;
        private long seed = 1;
        private boolean preVote = true;
        private long heartbeatMillis = 100;
        private long electionMinMillis = 1000;
        private long electionMaxMillis = 2000;
        private long latencyMillis = 1;
        private long jitterMillis = 2;
        private long snapshotThreshold = 200;
        private long startupMillis = 500;

        private Builder() {
        }

        /** Number of nodes, 1..15. */
        public Builder nodes(int value) {
            nodes = value;
            return this;
        }

        /** The seed of every random choice. */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /** Whether nodes run a pre-vote before an election (default true). */
        public Builder preVote(boolean value) {
            preVote = value;
            return this;
        }

        /** Leader heartbeat interval (default 100 ms, etcd's). */
        public Builder heartbeat(Duration value) {
            heartbeatMillis = value.toMillis();
            return this;
        }

        /** Election timeout, randomized in [value, 2 × value) (default 1 s, etcd's). */
        public Builder electionTimeout(Duration value) {
            electionMinMillis = value.toMillis();
            electionMaxMillis = 2 * value.toMillis();
            return this;
        }

        /** Base one-way latency and random jitter on top (default 1 ms + up to 2 ms). */
        public Builder latency(Duration base, Duration jitter) {
            latencyMillis = base.toMillis();
            jitterMillis = jitter.toMillis();
            return this;
        }

        /** Applied entries after which a node snapshots (default 200). */
        public Builder snapshotThreshold(long value) {
            snapshotThreshold = value;
            return this;
        }

        /** How long a started process takes before it serves (default 500 ms). */
        public Builder startup(Duration value) {
            startupMillis = value.toMillis();
            return this;
        }

        /**
         * A running cluster at virtual time zero, every node started as a follower.
         *
         * @throws IllegalArgumentException naming the first setting out of range
         */
        public SimulatedCluster build() {
            return new SimulatedCluster(new SimConfig(nodes, seed, preVote, heartbeatMillis, electionMinMillis,
                    electionMaxMillis, latencyMillis, jitterMillis, snapshotThreshold, startupMillis));
        }
    }
}
