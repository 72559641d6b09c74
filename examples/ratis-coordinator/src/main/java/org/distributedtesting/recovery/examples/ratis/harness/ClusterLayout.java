package org.distributedtesting.recovery.examples.ratis.harness;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.examples.ratis.CoordinatorNode;
import org.distributedtesting.recovery.examples.ratis.DataDir;
import org.distributedtesting.recovery.examples.ratis.Maintenance;
import org.distributedtesting.recovery.examples.ratis.NodeOptions;
import org.distributedtesting.recovery.examples.ratis.Peer;

/**
 * Where each node of the cluster lives and how it runs: its Raft and node-protocol ports on 127.0.0.1 (picked at run
 * time), its data directory, the command that starts it ({@code --fault-hooks}, {@code --token-file}) and the one
 * that repairs its stopped data, and how the daemon and the harness each reach it. When the settings ask for a
 * network, the nodes reach each other, and the daemon reaches them, through a {@link ClusterNetwork} of fault proxies
 * that the layout starts and {@link #close() closes}; the harness always reaches them directly.
 *
 * <p>Thread-safe: fixed once laid out, and the network is thread-safe.
 */
final class ClusterLayout implements AutoCloseable {

    /** The heap of each node. */
    static final String NODE_HEAP = "-Xmx128m";

    /** The heap of each run of the nodes' maintenance command. */
    static final String MAINTENANCE_HEAP = "-Xmx64m";

    private static final String LOOPBACK = "127.0.0.1";

    private final List<Peer> peers;
    /** How the daemon reaches each node: through the monitor's proxies when the network is proxied. */
    private final Map<String, NodeSpec> specs;
    /** How the harness itself reaches each node: always directly, so a cut link never blinds the test. */
    private final Map<String, NodeSpec> direct;
    /** Null when the nodes are connected directly. */
    private final ClusterNetwork network;

    private ClusterLayout(List<Peer> peers, Map<String, NodeSpec> specs, Map<String, NodeSpec> direct,
                          ClusterNetwork network) {
        this.peers = List.copyOf(peers);
        this.specs = specs;
        this.direct = direct;
        this.network = network;
    }

    /**
     * Picks the ports, starts the network if the settings ask for one, and creates the nodes' data directories.
     *
     * @throws IllegalArgumentException if node options were given for a node the cluster does not have
     * @throws IOException              if a directory or the network cannot be created; the network is closed again
     */
    static ClusterLayout lay(HarnessSettings settings, ClusterFiles files) throws IOException {
        List<String> ids = settings.ids();
        PortPicker ports = new PortPicker();
        List<Peer> peers = new ArrayList<>();
        Map<String, Integer> httpPorts = new LinkedHashMap<>();
        for (String id : ids) {
            peers.add(new Peer(id, LOOPBACK, ports.next()));
            httpPorts.put(id, ports.next());
        }
        for (String id : settings.nodeArgsById().keySet()) {
            if (!ids.contains(id)) {
                throw new IllegalArgumentException("node options were given for '" + id + "', but the nodes are "
                        + ids);
            }
        }
        ClusterNetwork network = settings.network()
                ? ClusterNetwork.start(peers, httpPorts, files.networkDir()) : null;
        try {
            Map<String, NodeSpec> specs = new LinkedHashMap<>();
            Map<String, NodeSpec> direct = new LinkedHashMap<>();
            for (Peer peer : peers) {
                String id = peer.id();
                int httpPort = httpPorts.get(id);
                Path dataDir = files.dataDir(id);
                Files.createDirectories(dataDir);
                List<String> command = nodeCommand(settings, files, peer, httpPort, peers, network);
                List<String> maintenance = settings.maintenance() ? maintenanceCommand(settings) : List.of();
                direct.put(id, new NodeSpec(NodeId.of(id), LOOPBACK, httpPort, dataDir, List.of(), command,
                        maintenance));
                if (network == null) {
                    specs.put(id, direct.get(id));
                } else {
                    InetSocketAddress monitor = network.monitorAddress(id);
                    List<String> alternatives = settings.alternativeAddresses()
                            ? List.of(LOOPBACK + ":" + httpPort) : List.of();
                    specs.put(id, new NodeSpec(NodeId.of(id), monitor.getAddress().getHostAddress(),
                            monitor.getPort(), dataDir, alternatives, command, maintenance));
                }
            }
            return new ClusterLayout(peers, specs, direct, network);
        } catch (IOException | RuntimeException e) {
            if (network != null) {
                network.close();
            }
            throw e;
        }
    }

    private static List<String> nodeCommand(HarnessSettings settings, ClusterFiles files, Peer peer, int httpPort,
                                            List<Peer> peers, ClusterNetwork network) {
        String id = peer.id();
        List<Peer> configured = network == null ? peers : ClusterNetwork.namedPeers(peers);
        List<String> args = new ArrayList<>(List.of("--id", id, "--data-dir", files.dataDir(id).toString(),
                "--raft-port", String.valueOf(peer.port()), "--http-port", String.valueOf(httpPort),
                "--peers", Peer.formatList(configured), "--fault-hooks", "--token-file", files.tokenFile().toString()));
        args.addAll(settings.nodeArgs());
        args.addAll(settings.nodeArgsById().getOrDefault(id, List.of()));
        NodeOptions options = NodeOptions.parse(args.toArray(String[]::new));
        List<String> jvm = new ArrayList<>();
        if (network != null) {
            jvm.add("-Djdk.net.hosts.file=" + network.hostsFile(id));
        }
        jvm.addAll(List.of("-cp", classpath(settings), CoordinatorNode.class.getName()));
        jvm.addAll(options.toArgs());
        return ChildJvm.command(NODE_HEAP, jvm);
    }

    /** The example's {@link Maintenance} tool, which the daemon runs for the data actions on a stopped node. */
    private static List<String> maintenanceCommand(HarnessSettings settings) {
        return ChildJvm.command(MAINTENANCE_HEAP, List.of("-cp", classpath(settings), Maintenance.class.getName(),
                "--id", "{id}", "--data-dir", "{data_dir}"));
    }

    /** The nodes run in their data directories, where a relative class path entry would point elsewhere. */
    private static String classpath(HarnessSettings settings) {
        String classpath = settings.nodeClasspath() != null ? settings.nodeClasspath()
                : System.getProperty("java.class.path");
        return Arrays.stream(classpath.split(File.pathSeparator)).filter(e -> !e.isEmpty())
                .map(e -> Path.of(e).toAbsolutePath().normalize().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** The node ids, {@code node-1} to {@code node-N}. */
    List<String> ids() {
        return List.copyOf(specs.keySet());
    }

    /** The Raft group's members at their real addresses, for clients. */
    List<Peer> peers() {
        return peers;
    }

    /**
     * How the daemon sees the node: address, data directory, start command.
     *
     * @throws IllegalArgumentException if there is no such node
     */
    NodeSpec spec(String id) {
        NodeSpec spec = specs.get(id);
        if (spec == null) {
            throw new IllegalArgumentException("no node '" + id + "'; the nodes are " + specs.keySet());
        }
        return spec;
    }

    /** How the daemon sees every node, in order. */
    List<NodeSpec> specs() {
        return List.copyOf(specs.values());
    }

    /**
     * How the harness reaches the node: directly, past any proxy.
     *
     * @throws IllegalArgumentException if there is no such node
     */
    NodeSpec direct(String id) {
        spec(id);
        return direct.get(id);
    }

    /** How the harness reaches every node, in order. */
    List<NodeSpec> directSpecs() {
        return List.copyOf(direct.values());
    }

    /** The node's data directory. @throws IllegalArgumentException if there is no such node */
    DataDir dataDir(String id) {
        return new DataDir(spec(id).dataDir());
    }

    /** The node's database file. @throws IllegalArgumentException if there is no such node */
    Path databaseFile(String id) {
        return dataDir(id).databaseFile();
    }

    /**
     * The network between the nodes and from the monitor to each node.
     *
     * @throws IllegalStateException if the nodes are connected directly
     */
    ClusterNetwork network() {
        if (network == null) {
            throw new IllegalStateException("the nodes are connected directly: build the harness with network(true)"
                    + " to put fault proxies between them");
        }
        return network;
    }

    /** Closes the network's proxies, if there are any. */
    @Override
    public void close() {
        if (network != null) {
            network.close();
        }
    }
}
