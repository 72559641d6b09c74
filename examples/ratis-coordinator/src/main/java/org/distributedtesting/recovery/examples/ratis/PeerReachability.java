package org.distributedtesting.recovery.examples.ratis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.distributedtesting.recovery.NodeId;

/**
 * Which peers this node reaches: a TCP connection to each peer's Raft port, opened and closed again, refreshed by
 * the node's scheduler. The status reads the last result, so a peer that does not answer never slows a probe.
 *
 * <p>Thread-safe: the result is one {@link AtomicReference} to an immutable map.
 */
final class PeerReachability {

    /** How long one connection attempt may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofMillis(300);

    private final List<Peer> others;
    private final AtomicReference<Map<NodeId, Boolean>> last = new AtomicReference<>(Map.of());

    PeerReachability(List<Peer> peers, String self) {
        this.others = peers.stream().filter(p -> !p.id().equals(self)).toList();
    }

    /** Connects to every other peer once and keeps the result. */
    void refresh() {
        Map<NodeId, Boolean> reached = new TreeMap<>();
        for (Peer peer : others) {
            reached.put(NodeId.of(peer.id()), connects(peer));
        }
        last.set(Map.copyOf(reached));
    }

    Map<NodeId, Boolean> last() {
        return last.get();
    }

    private static boolean connects(Peer peer) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(peer.host(), peer.port()), (int) CONNECT_TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
