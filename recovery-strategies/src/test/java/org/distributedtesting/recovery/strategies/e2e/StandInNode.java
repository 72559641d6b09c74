package org.distributedtesting.recovery.strategies.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;
import org.distributedtesting.recovery.core.http.StatusJson;

/**
 * A stand-in coordinator node for end-to-end tests: a separate JVM that answers {@code GET /api/status} on
 * 127.0.0.1 like a healthy member of a 3-node cluster (node-1 leads). With {@code --hang} it accepts connections
 * and never answers. Usage: {@code StandInNode --id node-2 --port 7002 [--leader] [--hang]}.
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
        NodeId node = NodeId.of(id);
        NodeStatus status = NodeStatus.builder().role(leader ? Role.LEADER : Role.FOLLOWER).term(1)
                .leader(NodeId.of("node-1")).commitIndex(42).appliedIndex(42).lastLogIndex(42)
                .stateChecksum(new StateChecksum("c0ffee", 42)).build();
        byte[] body = StatusJson.write(node, status);
        CountDownLatch never = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.setExecutor(Executors.newCachedThreadPool());
        boolean hung = hang;
        server.createContext("/api/status", exchange -> {
            if (hung) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.out.println("stand-in " + id + " listening on 127.0.0.1:" + port + (hang ? " (hanging)" : ""));
        never.await();
    }
}
