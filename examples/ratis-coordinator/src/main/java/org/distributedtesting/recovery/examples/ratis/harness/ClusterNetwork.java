package org.distributedtesting.recovery.examples.ratis.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.distributedtesting.recovery.examples.ratis.Peer;
import org.distributedtesting.recovery.examples.ratis.net.Direction;
import org.distributedtesting.recovery.examples.ratis.net.FaultProxy;

/**
 * The network between the coordinator nodes, and between the monitor and each node, made of {@link FaultProxy}
 * links that tests and the demo can cut, slow down or reset one by one.
 *
 * <p>How every node-to-node link gets its own proxy although Ratis replicates one configuration (with the peers'
 * addresses) to every node: each peer's Raft address is a name, {@code node-2.ratis:PORT}, the same in every
 * node's configuration, and each node JVM resolves the names through its own hosts file
 * ({@code -Djdk.net.hosts.file}): on {@code node-1}, {@code node-2.ratis} is {@code 127.77.1.2}, where the proxy of
 * the link from node-1 to node-2 listens on node-2's Raft port and forwards to node-2's real server on
 * {@code 127.0.0.1}. A node's own name resolves to 127.0.0.1. So links survive leader changes and restarts, and
 * nothing in the nodes knows about the proxies. The monitor (the recovery daemon) reaches node {@code i} at
 * {@code 127.77.0.i} on its node-protocol port, through a proxy of its own: "the monitor cannot see a node" and "the
 * nodes cannot see each other" are separate faults.
 *
 * <p>A TCP connection carries bytes both ways, and either node may open one, so cutting "from a to b" holds the
 * bytes a sends to b on both: upstream on a's connections to b, downstream on b's connections to a. While any
 * direction of a link is cut, new connections on it are refused.
 *
 * <p>Thread-safe: the proxies are.
 */
public final class ClusterNetwork implements AutoCloseable {

    /** The suffix of the nodes' Raft host names. */
    public static final String DOMAIN = ".ratis";

    private final List<String> ids;
    /** links.get(from).get(to): the proxy of the connections {@code from} opens to {@code to}. */
    private final Map<String, Map<String, FaultProxy>> links = new LinkedHashMap<>();
    private final Map<String, FaultProxy> monitorLinks = new LinkedHashMap<>();
    private final Map<String, Path> hostsFiles = new LinkedHashMap<>();

    private ClusterNetwork(List<String> ids) {
        this.ids = List.copyOf(ids);
    }

    /**
     * Starts every link: a proxy per ordered pair of nodes on their Raft ports, and one per node for the monitor on
     * its node-protocol port, and writes each node's hosts file into {@code dir}.
     *
     * @param raftPeers the nodes with their real Raft addresses on 127.0.0.1, in order
     * @param httpPorts each node's node-protocol port on 127.0.0.1
     * @throws IOException if a proxy cannot bind or a file cannot be written; what was started is closed
     */
    public static ClusterNetwork start(List<Peer> raftPeers, Map<String, Integer> httpPorts, Path dir)
            throws IOException {
        List<String> ids = raftPeers.stream().map(Peer::id).toList();
        if (ids.size() > 254) {
            throw new IllegalArgumentException("at most 254 nodes fit the 127.77.x.y addresses, not " + ids.size());
        }
        ClusterNetwork network = new ClusterNetwork(ids);
        try {
            for (Peer from : raftPeers) {
                Map<String, FaultProxy> out = new LinkedHashMap<>();
                for (Peer to : raftPeers) {
                    if (!to.id().equals(from.id())) {
                        out.put(to.id(), FaultProxy.start(from.id() + "->" + to.id(), new InetSocketAddress(
                                network.linkAddress(from.id(), to.id()), to.port()), new InetSocketAddress(
                                InetAddress.getLoopbackAddress(), to.port())));
                    }
                }
                network.links.put(from.id(), out);
            }
            for (String id : ids) {
                int port = Objects.requireNonNull(httpPorts.get(id), () -> "no node-protocol port for '" + id + "'");
                network.monitorLinks.put(id, FaultProxy.start("monitor->" + id, new InetSocketAddress(
                        network.monitorIp(id), port), new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        port)));
            }
            Files.createDirectories(dir);
            for (String id : ids) {
                Path file = dir.resolve(id + ".hosts");
                Files.writeString(file, network.hostsText(id));
                network.hostsFiles.put(id, file);
            }
            return network;
        } catch (IOException | RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /** The Raft host name of a node, the same in every node's configuration. */
    public static String hostName(String id) {
        return id + DOMAIN;
    }

    /** The peers as every node is configured with them: host names instead of 127.0.0.1. */
    public static List<Peer> namedPeers(List<Peer> raftPeers) {
        return raftPeers.stream().map(p -> new Peer(p.id(), hostName(p.id()), p.port())).toList();
    }

    /** The hosts file {@code node}'s JVM resolves names with ({@code -Djdk.net.hosts.file}). */
    public Path hostsFile(String node) {
        return require(hostsFiles, node);
    }

    /** Where the monitor reaches {@code node}'s node protocol: its proxy, {@code 127.77.0.i:port}. */
    public InetSocketAddress monitorAddress(String node) {
        return require(monitorLinks, node).listenAddress();
    }

    /** Holds every byte {@code from} sends to {@code to}, on every connection between them; the other way flows. */
    public void cut(String from, String to) {
        link(from, to).cut(Direction.UPSTREAM);
        link(to, from).cut(Direction.DOWNSTREAM);
    }

    /** Cuts both directions between {@code a} and {@code b}. */
    public void cutBoth(String a, String b) {
        link(a, b).cutBoth();
        link(b, a).cutBoth();
    }

    /** Cuts {@code node} off from every other node, both ways; the monitor still reaches it. */
    public void isolate(String node) {
        others(node).forEach(other -> cutBoth(node, other));
    }

    /** Cuts every link between {@code side} and the other nodes, both ways; links within each side stay. */
    public void partition(Collection<String> side) {
        Set<String> inside = Set.copyOf(side);
        inside.forEach(id -> require(links, id));
        for (String a : inside) {
            for (String b : ids) {
                if (!inside.contains(b)) {
                    cutBoth(a, b);
                }
            }
        }
    }

    /** Cuts the monitor's link to {@code node}, both ways: the daemon can no longer reach it. */
    public void cutMonitor(String node) {
        require(monitorLinks, node).cutBoth();
    }

    /** Heals the monitor's link to {@code node}. */
    public void healMonitor(String node) {
        require(monitorLinks, node).heal();
    }

    /** Adds latency (and jitter) to every node-to-node link that touches {@code node}, both ways. */
    public void latency(String node, Duration base, Duration jitter) {
        for (String other : others(node)) {
            link(node, other).latency(base, jitter);
            link(other, node).latency(base, jitter);
        }
    }

    /** Limits every node-to-node link that touches {@code node} to {@code bytesPerSecond} per connection and way. */
    public void bandwidth(String node, long bytesPerSecond) {
        for (String other : others(node)) {
            link(node, other).bandwidth(bytesPerSecond);
            link(other, node).bandwidth(bytesPerSecond);
        }
    }

    /** Resets every open connection between {@code node} and the other nodes. */
    public void resetConnections(String node) {
        for (String other : others(node)) {
            link(node, other).resetConnections();
            link(other, node).resetConnections();
        }
    }

    /** Heals every cut, removes every latency and bandwidth limit, on every link, the monitor's too. */
    public void healAll() {
        links.values().forEach(out -> out.values().forEach(FaultProxy::clearFaults));
        monitorLinks.values().forEach(FaultProxy::clearFaults);
    }

    /** Whether any link has a direction cut now. */
    public boolean anyCut() {
        List<FaultProxy> all = new ArrayList<>(monitorLinks.values());
        links.values().forEach(out -> all.addAll(out.values()));
        return all.stream().anyMatch(p -> p.isCut(Direction.UPSTREAM) || p.isCut(Direction.DOWNSTREAM));
    }

    /** Connections and bytes per link, for diagnostics. */
    public Map<String, FaultProxy.Stats> stats() {
        Map<String, FaultProxy.Stats> stats = new LinkedHashMap<>();
        links.values().forEach(out -> out.values().forEach(p -> stats.put(p.name(), p.stats())));
        monitorLinks.values().forEach(p -> stats.put(p.name(), p.stats()));
        return stats;
    }

    /** Closes every proxy. Idempotent. */
    @Override
    public void close() {
        links.values().forEach(out -> out.values().forEach(FaultProxy::close));
        monitorLinks.values().forEach(FaultProxy::close);
    }

    private String hostsText(String self) throws UnknownHostException {
        StringBuilder text = new StringBuilder("# hosts of ").append(self)
                .append(": its links to the other nodes go through fault proxies\n")
                .append("127.0.0.1 localhost\n");
        String machine = localHostName();
        if (machine != null && !machine.equals("localhost")) {
            text.append("127.0.0.1 ").append(machine).append('\n');
        }
        for (String id : ids) {
            text.append(id.equals(self) ? "127.0.0.1" : linkAddress(self, id).getHostAddress()).append(' ')
                    .append(hostName(id)).append('\n');
        }
        return text.toString();
    }

    /** The machine's name, which some libraries look up: it must resolve with the hosts file too. */
    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** {@code 127.77.<from>.<to>}: where {@code from}'s connections to {@code to} go. */
    private InetAddress linkAddress(String from, String to) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {127, 77, (byte) index(from), (byte) index(to)});
    }

    private InetAddress monitorIp(String to) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {127, 77, 0, (byte) index(to)});
    }

    private int index(String id) {
        int i = ids.indexOf(id);
        if (i < 0) {
            throw new IllegalArgumentException("no node '" + id + "'; the nodes are " + ids);
        }
        return i + 1;
    }

    private FaultProxy link(String from, String to) {
        FaultProxy proxy = require(links, from).get(to);
        if (proxy == null) {
            throw new IllegalArgumentException("no link from '" + from + "' to '" + to + "'; the nodes are " + ids);
        }
        return proxy;
    }

    private List<String> others(String node) {
        require(links, node);
        return ids.stream().filter(id -> !id.equals(node)).toList();
    }

    private <T> T require(Map<String, T> map, String node) {
        T value = map.get(Objects.requireNonNull(node, "node"));
        if (value == null) {
            throw new IllegalArgumentException("no node '" + node + "'; the nodes are " + ids);
        }
        return value;
    }
}
