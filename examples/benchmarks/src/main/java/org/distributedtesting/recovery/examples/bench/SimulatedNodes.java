package org.distributedtesting.recovery.examples.bench;

import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeProbe;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.Resources;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;
import org.distributedtesting.recovery.spi.ProcessSupervisor;

/**
 * A large cluster that exists only as answers: node-1 leads, the others follow, all caught up, except a few
 * crashed nodes spread evenly through the list, which refuse connections at once and whose processes are dead.
 * Crashed nodes stay down: the supervisor cannot start them.
 *
 * <p>The probe of a healthy node answers after the probe latency, in one of two ways. Asynchronous (with a
 * {@code network} scheduler): {@link #probeAsync} returns at once and the scheduler completes the answer after the
 * latency, as a non-blocking network client would, with no thread waiting per probe. Blocking (without one): the
 * probe parks the thread the engine runs it on for the latency, as a blocking client waiting on the network would.
 *
 * <p>Immutable after construction and thread-safe.
 */
final class SimulatedNodes implements NodeProbe, ProcessSupervisor {

    private static final long COMMIT_INDEX = 10_000;
    private static final long TERM = 7;

    private final List<NodeSpec> specs;
    private final Map<NodeId, Integer> index;
    private final BitSet crashed;
    private final long latencyNanos;
    private final NodeStatus leader;
    private final NodeStatus follower;
    /** Completes asynchronous answers after the latency; null when probes block. */
    private final ScheduledExecutorService network;

    /**
     * Nodes whose probes block their thread for the latency.
     *
     * @param nodes   how many nodes
     * @param crashed how many of them are down, fewer than {@code nodes}
     * @param latency how long the probe of a healthy node takes
     */
    SimulatedNodes(int nodes, int crashed, Duration latency) {
        this(nodes, crashed, latency, null);
    }

    /**
     * @param nodes   how many nodes
     * @param crashed how many of them are down, fewer than {@code nodes}
     * @param latency how long the probe of a healthy node takes
     * @param network completes the answers of asynchronous probes after the latency; the caller keeps ownership.
     *                Null for probes that block their thread instead.
     */
    SimulatedNodes(int nodes, int crashed, Duration latency, ScheduledExecutorService network) {
        if (crashed < 0 || crashed >= nodes) {
            throw new IllegalArgumentException("crashed must be in 0.." + (nodes - 1) + ", but was " + crashed);
        }
        List<NodeSpec> list = new ArrayList<>(nodes);
        Map<NodeId, Integer> byId = new LinkedHashMap<>();
        for (int i = 0; i < nodes; i++) {
            NodeSpec spec = NodeSpec.of(String.format("node-%05d", i + 1), "10.0." + (i / 250) + "." + (i % 250 + 1),
                    8080, Path.of("/srv/coordinator"));
            list.add(spec);
            byId.put(spec.id(), i);
        }
        this.specs = List.copyOf(list);
        this.index = Map.copyOf(byId);
        this.crashed = new BitSet(nodes);
        for (int k = 0; k < crashed; k++) {
            // spread over the list, never node-1, the leader
            this.crashed.set(nodes - 1 - (int) ((long) k * nodes / crashed));
        }
        this.latencyNanos = latency.toNanos();
        this.network = network;
        NodeId leaderId = specs.get(0).id();
        Resources resources = new Resources(0.25, 512L << 20, 2L << 30, 8L << 30, 64L << 30, 300, 65_536);
        this.leader = status(Role.LEADER, leaderId, resources);
        this.follower = status(Role.FOLLOWER, leaderId, resources);
    }

    private static NodeStatus status(Role role, NodeId leader, Resources resources) {
        return NodeStatus.builder().role(role).term(TERM).leader(leader).commitIndex(COMMIT_INDEX)
                .appliedIndex(COMMIT_INDEX).lastLogIndex(COMMIT_INDEX).resources(resources).queueDepth(0)
                // every node reports its state checksum, as a real coordinator does: the state divergence detector
                // compares them (it was quadratic in the nodes, unseen while the benchmark nodes reported none)
                .stateChecksum(new StateChecksum("1042:5f0c9a3e1d7b2c4a", COMMIT_INDEX))
                .electionsStarted(role == Role.LEADER ? 1 : 0).build();
    }

    List<NodeSpec> specs() {
        return specs;
    }

    int crashedCount() {
        return crashed.cardinality();
    }

    private int indexOf(NodeSpec node) {
        Integer i = index.get(node.id());
        if (i == null) {
            throw new IllegalArgumentException("node '" + node.id() + "' is not in this cluster");
        }
        return i;
    }

    @Override
    public NodeStatus probe(NodeSpec node, Duration deadline) throws Exception {
        int i = indexOf(node);
        if (crashed.get(i)) {
            throw new ConnectException("connection refused");
        }
        long end = System.nanoTime() + latencyNanos;
        for (long left = latencyNanos; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException("probe of '" + node.id() + "' cancelled at its deadline");
            }
        }
        return i == 0 ? leader : follower;
    }

    /**
     * The answer after the latency, completed by the network scheduler with no thread waiting for it; cancelling
     * it (at the deadline) drops the pending answer. Without a network scheduler, the blocking {@link #probe} on
     * {@code executor}.
     */
    @Override
    public CompletionStage<NodeStatus> probeAsync(NodeSpec node, Duration deadline, Executor executor) {
        if (network == null) {
            return NodeProbe.super.probeAsync(node, deadline, executor);
        }
        int i = indexOf(node);
        if (crashed.get(i)) {
            return CompletableFuture.failedFuture(new ConnectException("connection refused"));
        }
        NodeStatus status = i == 0 ? leader : follower;
        if (latencyNanos == 0) {
            return CompletableFuture.completedFuture(status);
        }
        CompletableFuture<NodeStatus> answer = new CompletableFuture<>();
        ScheduledFuture<?> reply = network.schedule(() -> answer.complete(status), latencyNanos,
                TimeUnit.NANOSECONDS);
        answer.whenComplete((answered, failure) -> {
            if (failure != null) {
                reply.cancel(false);
            }
        });
        return answer;
    }

    /** Whether probes block their thread for the latency rather than complete asynchronously. */
    boolean blocking() {
        return network == null;
    }

    @Override
    public ProcessStatus status(NodeSpec node) {
        int i = indexOf(node);
        return crashed.get(i) ? ProcessStatus.exited(20_000 + i, 137) : ProcessStatus.alive(20_000 + i);
    }

    @Override
    public ProcessStatus start(NodeSpec node) {
        int i = indexOf(node);
        return crashed.get(i) ? ProcessStatus.dead("the benchmark keeps crashed nodes down")
                : ProcessStatus.alive(20_000 + i);
    }

    @Override
    public void stop(NodeSpec node, Duration grace) {
        throw new UnsupportedOperationException("the benchmark never stops a node");
    }

    /** What one engine cycle would observe, without probing: for timing the detectors alone. */
    ClusterSnapshot snapshot(long cycle, Instant at) {
        return new ClusterSnapshot(cycle, at, specs, observations(at));
    }

    /** Every node's observation at {@code at}, as the probe phase would hand them over, in configuration order. */
    Map<NodeId, NodeObservation> observations(Instant at) {
        Map<NodeId, NodeObservation> observations = new LinkedHashMap<>();
        Duration latency = Duration.ofNanos(latencyNanos);
        for (int i = 0; i < specs.size(); i++) {
            NodeSpec spec = specs.get(i);
            observations.put(spec.id(), crashed.get(i)
                    ? new NodeObservation.Unreachable(spec.id(), at, "connection refused", status(spec))
                    : new NodeObservation.Reachable(spec.id(), at, latency, i == 0 ? leader : follower,
                            status(spec)));
        }
        return observations;
    }
}
