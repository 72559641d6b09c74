package org.distributedtesting.recovery.strategies.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;
import org.distributedtesting.recovery.core.http.NodeProtocolServer;

/**
 * A stand-in coordinator node for end-to-end tests: a separate JVM that serves the node protocol through core's
 * {@link NodeProtocolServer} on 127.0.0.1 like a healthy member of a 3-node cluster (node-1 leads). With
 * {@code --hang} it accepts connections and never answers. Usage:
 * {@code StandInNode --id node-2 --port 7002 [--leader] [--hang]}.
 */
public final class StandInNode {

    private StandInNode() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        String id = null;
        int port = -1;
        boolean leader = false;
        boolean hang = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--id" -> id = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--leader" -> leader = true;
                case "--hang" -> hang = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (hang) {
            hangForever(port);
            return;
        }
        NodeStatus status = NodeStatus.builder().role(leader ? Role.LEADER : Role.FOLLOWER).term(1)
                .leader(NodeId.of("node-1")).commitIndex(42).appliedIndex(42).lastLogIndex(42)
                .stateChecksum(new StateChecksum("c0ffee", 42)).build();
        NodeProtocolServer.builder(NodeId.of(id), () -> status).port(port).start();
        System.out.println("stand-in " + id + " listening on 127.0.0.1:" + port);
        new CountDownLatch(1).await();
    }

    /** Accepts connections, reads nothing, answers nothing: a node stuck in a deadlock. */
    private static void hangForever(int port) throws IOException {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            System.out.println("stand-in hanging on 127.0.0.1:" + port);
            while (true) {
                held.add(server.accept());
            }
        }
    }
}
