package org.distributedtesting.recovery.core.sim;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeProbe;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Operation;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;

/**
 * The engine's view of simulated nodes: what each node would answer to {@code GET /api/status}. A dead or
 * starting node refuses the connection; a node the monitor's link cannot reach, or one paused longer than the
 * probe deadline, times out.
 *
 * <p>Thread-safe: holds the cluster's lock while it reads.
 */
final class SimProbe implements NodeProbe {

    private final SimulatedCluster cluster;

    SimProbe(SimulatedCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public NodeStatus probe(NodeSpec spec, Duration deadline) throws Exception {
        synchronized (cluster) {
            Simulation sim = cluster.simulation();
            RaftNode node = sim.node(spec.id());
            if (!node.alive) {
                throw new ConnectException("connection refused");
            }
            if (!node.serving()) {
                throw new ConnectException("connection refused (starting)");
            }
            if (!sim.network.monitorReaches(node.index)) {
                throw new SocketTimeoutException("no answer within " + deadline.toMillis() + " ms");
            }
            if (node.faults.pausedUntil - sim.now() > deadline.toMillis()) {
                throw new SocketTimeoutException("no answer within " + deadline.toMillis() + " ms");
            }
            return status(sim, node);
        }
    }

    static NodeStatus status(Simulation sim, RaftNode node) {
        node.resources.update(sim.now(), node.faults);
        Map<NodeId, Boolean> peers = new TreeMap<>();
        for (int p : sim.peersOf(node.index)) {
            RaftNode peer = sim.nodes.get(p);
            peers.put(peer.id, peer.serving() && sim.network.connected(node.index, p)
                    && sim.network.connected(p, node.index));
        }
        return NodeStatus.builder()
                .role(node.faults.notServing ? Role.UNKNOWN : node.role)
                .term(node.term)
                .leader(node.leader < 0 ? null : sim.nodes.get(node.leader).id)
                .commitIndex(node.commitIndex)
                .appliedIndex(node.db.appliedIndex())
                .lastLogIndex(node.log.lastIndex())
                .stateChecksum(node.db.checkpointIndex() < 0 ? null
                        : new StateChecksum(Hashing.hex(node.db.checkpointChecksum()), node.db.checkpointIndex()))
                .voter(sim.voters.contains(node.index))
                .resources(node.resources.current(node))
                .operations(operations(sim, node))
                .queueDepth(queueDepth(sim, node))
                .database(node.db.check())
                .log(node.log.check())
                .peerReachability(peers)
                .electionsStarted(node.electionsStarted)
                .electionsPaused(node.faults.electionsPaused)
                .build();
    }

    private static List<Operation> operations(Simulation sim, RaftNode node) {
        List<Operation> ops = new ArrayList<>();
        if (node.faults.applyStuck && node.faults.applyStuckSince >= 0) {
            ops.add(new Operation("apply-" + (node.db.appliedIndex() + 1), "apply",
                    instant(node.faults.applyStuckSince)));
        }
        for (int i = 0; i < node.faults.stuckOperations; i++) {
            ops.add(new Operation("op-" + node.id + "-" + i, "client_write",
                    instant(node.faults.stuckOperationsSince)));
        }
        return ops;
    }

    private static long queueDepth(Simulation sim, RaftNode node) {
        long backlog = Math.max(0, node.commitIndex - node.db.appliedIndex()) + node.faults.stuckOperations;
        if (node.role == Role.LEADER) {
            backlog += sim.pending.size();
        }
        return backlog;
    }

    private static Instant instant(long millis) {
        return SimClock.EPOCH.plusMillis(millis);
    }
}
