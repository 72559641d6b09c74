package org.distributedtesting.recovery.examples.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;
import org.distributedtesting.recovery.core.http.server.NodeProtocolServer;

/**
 * N healthy coordinator nodes in this JVM, each serving the node protocol through core's {@link NodeProtocolServer}
 * (what a real node embeds) on its own loopback port: node-1 leads, the others follow, all in term 1, every peer
 * it reports reachable, and the commit and applied indexes advance by one a second so the daemon sees a live cluster.
 *
 * <p>Thread-safe. {@link #close()} stops every server.
 */
final class StandInCluster implements AutoCloseable {

    /** Entries the cluster had committed when the stand-ins started. */
    private static final long FIRST_INDEX = 1_000;

    private final List<NodeProtocolServer> servers = new ArrayList<>();
    private final List<NodeId> ids = new ArrayList<>();

    private StandInCluster() {
    }

    /**
     * Starts {@code nodes} stand-ins, each reporting the next {@code peers} nodes (in node order, wrapping) as
     * reachable.
     *
     * @throws IOException if a server cannot listen; the ones already started are stopped
     */
    static StandInCluster start(int nodes, int peers, Clock clock) throws IOException {
        StandInCluster cluster = new StandInCluster();
        for (int i = 1; i <= nodes; i++) {
            cluster.ids.add(NodeId.of("node-" + i));
        }
        NodeId leader = cluster.ids.get(0);
        long started = clock.millis();
        try {
            for (int i = 0; i < nodes; i++) {
                NodeId id = cluster.ids.get(i);
                Map<NodeId, Boolean> reachable = new LinkedHashMap<>();
                for (int k = 1; k <= peers; k++) {
                    reachable.put(cluster.ids.get((i + k) % nodes), true);
                }
                NodeStatus base = NodeStatus.builder().role(id.equals(leader) ? Role.LEADER : Role.FOLLOWER).term(1)
                        .leader(leader).commitIndex(FIRST_INDEX).appliedIndex(FIRST_INDEX).lastLogIndex(FIRST_INDEX)
                        .stateChecksum(new StateChecksum("c0ffee", FIRST_INDEX)).peerReachability(reachable).build();
                Ticking status = new Ticking(base, clock, started);
                cluster.servers.add(NodeProtocolServer.builder(id, status::current)
                        .address(InetAddress.getLoopbackAddress()).port(0).start());
            }
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The nodes' ids, node-1 first. */
    List<NodeId> ids() {
        return List.copyOf(ids);
    }

    /** The loopback port of each node, in the order of {@link #ids()}. */
    List<Integer> ports() {
        return servers.stream().map(NodeProtocolServer::port).toList();
    }

    @Override
    public void close() {
        servers.forEach(NodeProtocolServer::close);
    }

    /**
     * A node's status whose indexes advance by one a second. The status is rebuilt once a second, not per request:
     * copying a peer map of a thousand entries per probe would load the machine the daemon is measured on.
     */
    private static final class Ticking {
        private final NodeStatus base;
        private final Clock clock;
        private final long started;
        // the status of the current second; replaced whole, never mutated
        private final AtomicReference<Map.Entry<Long, NodeStatus>> current = new AtomicReference<>();

        Ticking(NodeStatus base, Clock clock, long started) {
            this.base = base;
            this.clock = clock;
            this.started = started;
        }

        NodeStatus current() {
            long second = Duration.ofMillis(clock.millis() - started).toSeconds();
            Map.Entry<Long, NodeStatus> seen = current.get();
            if (seen != null && seen.getKey() == second) {
                return seen.getValue();
            }
            long index = FIRST_INDEX + second;
            NodeStatus status = base.toBuilder().commitIndex(index).appliedIndex(index).lastLogIndex(index)
                    .stateChecksum(new StateChecksum("c0ffee", index)).build();
            current.set(Map.entry(second, status));
            return status;
        }
    }
}
