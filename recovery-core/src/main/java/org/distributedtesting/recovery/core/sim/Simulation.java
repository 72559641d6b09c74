package org.distributedtesting.recovery.core.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The world of one simulated cluster: its clock, event loop, seeded random source, network, nodes and voting
 * configuration, the client's writes, and the trace of what happened. Everything random comes from one
 * {@link Random} seeded by the configuration, so one seed gives one run.
 *
 * <p>Not thread-safe; {@link SimulatedCluster} serializes access.
 */
final class Simulation {

    final SimConfig config;
    final SimClock clock = new SimClock();
    final EventLoop loop = new EventLoop(clock);
    final Random random;
    final SimNetwork network;
    final List<RaftNode> nodes = new ArrayList<>();
    final TreeSet<Integer> voters = new TreeSet<>();
    final List<ClientWrite> writes = new ArrayList<>();
    /** Position in {@link #writes} of each write not yet acknowledged, by key. */
    final java.util.Map<String, Integer> pending = new java.util.HashMap<>();
    /** Each node's peers, every other node in node order; the nodes never change, so this is worked out once. */
    private final int[][] peers;
    private final List<String> trace = new ArrayList<>();
    private final List<Consumer<RaftNode>> leaderListeners = new ArrayList<>();
    private final List<CommitListener> commitListeners = new ArrayList<>();
    private final List<Consumer<org.distributedtesting.recovery.Action>> actionListeners = new ArrayList<>();

    /** Called when a leader commits an index. */
    interface CommitListener {
        void committed(RaftNode leader, long index);
    }

    Simulation(SimConfig config) {
        this.config = config;
        this.random = new Random(config.seed());
        this.network = new SimNetwork(config.nodes(), config.latencyMillis(), config.jitterMillis());
        for (int i = 0; i < config.nodes(); i++) {
            nodes.add(new RaftNode(i, this));
            voters.add(i);
        }
        peers = new int[config.nodes()][];
        for (int i = 0; i < config.nodes(); i++) {
            int[] others = new int[config.nodes() - 1];
            for (int j = 0, k = 0; j < config.nodes(); j++) {
                if (j != i) {
                    others[k++] = j;
                }
            }
            peers[i] = others;
        }
    }

    long now() {
        return clock.millis();
    }

    int majority() {
        return voters.size() / 2 + 1;
    }

    /** Every node but {@code node}, in node order; the caller must not change the array. */
    int[] peersOf(int node) {
        return peers[node];
    }

    void send(int from, int to, Message message) {
        long delay = network.delay(from, to, random);
        if (delay >= 0) {
            RaftNode target = nodes.get(to);
            loop.schedule(delay, () -> target.receive(message));
        }
    }

    void trace(String event) {
        trace.add(String.format("%9.3f  %s", now() / 1000.0, event));
    }

    List<String> trace() {
        return Collections.unmodifiableList(trace);
    }

    void onLeader(Consumer<RaftNode> listener) {
        leaderListeners.add(listener);
    }

    void onCommit(CommitListener listener) {
        commitListeners.add(listener);
    }

    /** Listens to every engine action, just before it takes effect. */
    void onAction(Consumer<org.distributedtesting.recovery.Action> listener) {
        actionListeners.add(listener);
    }

    void actionExecuting(org.distributedtesting.recovery.Action action) {
        actionListeners.forEach(l -> l.accept(action));
    }

    RaftNode node(org.distributedtesting.recovery.NodeId id) {
        for (RaftNode n : nodes) {
            if (n.id.equals(id)) {
                return n;
            }
        }
        throw new IllegalArgumentException("node '" + id + "' is not in this cluster");
    }

    /** The live leader with the highest term, or null. */
    RaftNode leaderNode() {
        RaftNode best = null;
        for (RaftNode n : nodes) {
            if (n.alive && n.role == org.distributedtesting.recovery.Role.LEADER && (best == null || n.term > best.term)) {
                best = n;
            }
        }
        return best;
    }

    void onLeader(RaftNode leader) {
        leaderListeners.forEach(l -> l.accept(leader));
    }

    void onCommitted(RaftNode leader, long index) {
        commitListeners.forEach(l -> l.committed(leader, index));
    }

    /** A node applied an entry: a leader acknowledges the client's write it has now applied. */
    void onApplied(RaftNode node, LogEntry entry) {
        if (node.role != org.distributedtesting.recovery.Role.LEADER || entry.command().isEmpty()) {
            return;
        }
        int eq = entry.command().indexOf('=');
        Integer at = eq > 0 ? pending.get(entry.command().substring(0, eq)) : null;
        if (at == null) {
            return;
        }
        ClientWrite w = writes.get(at);
        if (w.index() == entry.index() && w.term() == entry.term()
                && entry.command().equals(w.key() + "=" + w.value())) {
            writes.set(at, w.acknowledge(now()));
            pending.remove(w.key());
        }
    }
}
