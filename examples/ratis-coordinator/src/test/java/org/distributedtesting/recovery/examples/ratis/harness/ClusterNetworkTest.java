package org.distributedtesting.recovery.examples.ratis.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.examples.ratis.Peer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The links of a 3-node network, on real sockets: which proxy each name leads to, and what each cut cuts. */
class ClusterNetworkTest {

    @TempDir
    Path dir;

    /** Stand-ins for the nodes' Raft and node-protocol servers: listening sockets the kernel accepts on. */
    private final List<ServerSocket> servers = new ArrayList<>();
    private final List<Peer> peers = new ArrayList<>();
    private final Map<String, Integer> httpPorts = new LinkedHashMap<>();
    private ClusterNetwork network;

    @BeforeEach
    void startNetwork() throws IOException {
        for (int i = 1; i <= 3; i++) {
            peers.add(new Peer("node-" + i, "127.0.0.1", listen()));
            httpPorts.put("node-" + i, listen());
        }
        network = ClusterNetwork.start(peers, httpPorts, dir);
    }

    @AfterEach
    void stop() throws IOException {
        network.close();
        for (ServerSocket server : servers) {
            server.close();
        }
    }

    @Test
    void eachNodeResolvesTheOthersToItsOwnLinksAndItselfDirectly() throws IOException {
        List<String> hosts = Files.readAllLines(network.hostsFile("node-1"));

        assertThat(hosts).contains("127.0.0.1 node-1.ratis", "127.77.1.2 node-2.ratis", "127.77.1.3 node-3.ratis",
                "127.0.0.1 localhost");
        assertThat(Files.readAllLines(network.hostsFile("node-3"))).contains("127.77.3.1 node-1.ratis",
                "127.0.0.1 node-3.ratis");
        assertThat(ClusterNetwork.namedPeers(peers)).extracting(Peer::host)
                .containsExactly("node-1.ratis", "node-2.ratis", "node-3.ratis");
        assertThat(network.monitorAddress("node-2")).isEqualTo(new InetSocketAddress("127.77.0.2",
                httpPorts.get("node-2")));
        assertThat(connects(link("node-1", "node-2"))).isTrue();
    }

    @Test
    void aCutFromOneNodeToAnotherRefusesBothOfTheirLinksAndNoOther() {
        network.cut("node-1", "node-2");

        assertThat(connects(link("node-1", "node-2"))).isFalse();
        assertThat(connects(link("node-2", "node-1"))).isFalse();
        assertThat(connects(link("node-1", "node-3"))).isTrue();
        assertThat(connects(link("node-3", "node-2"))).isTrue();
        assertThat(connects(monitor("node-2"))).isTrue();
        assertThat(network.anyCut()).isTrue();

        network.healAll();
        assertThat(connects(link("node-1", "node-2"))).isTrue();
        assertThat(connects(link("node-2", "node-1"))).isTrue();
        assertThat(network.anyCut()).isFalse();
    }

    @Test
    void aPartitionCutsTheLinksAcrossItAndTheMonitorIsSeparate() {
        network.partition(List.of("node-1"));
        network.cutMonitor("node-3");

        assertThat(connects(link("node-1", "node-2"))).isFalse();
        assertThat(connects(link("node-3", "node-1"))).isFalse();
        assertThat(connects(link("node-2", "node-3"))).isTrue();
        assertThat(connects(link("node-3", "node-2"))).isTrue();
        assertThat(connects(monitor("node-1"))).isTrue();
        assertThat(connects(monitor("node-3"))).isFalse();

        network.healMonitor("node-3");
        assertThat(connects(monitor("node-3"))).isTrue();
    }

    @Test
    void anUnknownNodeIsNamedInTheError() {
        assertThatThrownBy(() -> network.isolate("node-9")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no node 'node-9'; the nodes are [node-1, node-2, node-3]");
    }

    private InetSocketAddress link(String from, String to) {
        int port = peers.stream().filter(p -> p.id().equals(to)).findFirst().orElseThrow().port();
        return new InetSocketAddress("127.77." + index(from) + "." + index(to), port);
    }

    private InetSocketAddress monitor(String node) {
        return network.monitorAddress(node);
    }

    private static int index(String id) {
        return Integer.parseInt(id.substring(id.indexOf('-') + 1));
    }

    private int listen() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(server);
        return server.getLocalPort();
    }

    /** Whether a TCP connection to {@code address} is accepted within a second (a cut link refuses it). */
    private static boolean connects(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
