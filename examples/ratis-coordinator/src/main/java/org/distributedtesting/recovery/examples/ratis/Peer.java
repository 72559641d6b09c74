package org.distributedtesting.recovery.examples.ratis;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * One member of the coordinator's Raft group: its id and its Raft (gRPC) address.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id   the node's id, also its Raft peer id
 * @param host the address its Raft server binds, normally 127.0.0.1
 * @param port its Raft port
 */
public record Peer(String id, String host, int port) {

    /** @throws IllegalArgumentException if the id or host is blank or the port outside 1..65535 */
    public Peer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        if (id.isBlank() || host.isBlank()) {
            throw new IllegalArgumentException("peer id and host must not be blank, but were '" + id + "' and '"
                    + host + "'");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port of peer '" + id + "' must be in 1..65535, but was " + port);
        }
    }

    /**
     * Reads {@code id=host:port,id=host:port,...}.
     *
     * @throws IllegalArgumentException if an element is not in that form
     */
    public static List<Peer> parseList(String text) {
        List<Peer> peers = new ArrayList<>();
        for (String element : text.split(",")) {
            int eq = element.indexOf('=');
            int colon = element.lastIndexOf(':');
            if (eq < 1 || colon < eq + 2 || colon == element.length() - 1) {
                throw new IllegalArgumentException("peer must be id=host:port, but was '" + element + "'");
            }
            peers.add(new Peer(element.substring(0, eq).trim(), element.substring(eq + 1, colon).trim(),
                    Integer.parseInt(element.substring(colon + 1).trim())));
        }
        return List.copyOf(peers);
    }

    /** The form {@link #parseList} reads. */
    public static String formatList(List<Peer> peers) {
        return peers.stream().map(p -> p.id() + "=" + p.address()).collect(Collectors.joining(","));
    }

    /** {@code host:port}. */
    public String address() {
        return host + ":" + port;
    }

    RaftPeerId raftId() {
        return RaftPeerId.valueOf(id);
    }

    RaftPeer toRaftPeer() {
        return RaftPeer.newBuilder().setId(raftId()).setAddress(address()).build();
    }
}
