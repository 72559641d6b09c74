package org.distributedtesting.recovery.examples.demo;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;
import org.distributedtesting.recovery.core.http.server.NodeProtocolServer;

/**
 * A stand-in coordinator node for the demo: its own JVM, serving the node protocol with core's
 * {@link NodeProtocolServer} on 127.0.0.1 as a healthy member of a 3-node cluster. It does not run Raft; the real
 * Raft cluster is a later example. Usage: {@code DemoNode --id node-2 --port 7002 [--leader]}.
 */
public final class DemoNode {

    private DemoNode() {
    }

    /** Serves the node until the process is killed. */
    public static void main(String[] args) throws IOException, InterruptedException {
        String id = null;
        int port = -1;
        boolean leader = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--id" -> id = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--leader" -> leader = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (id == null || port < 0) {
            throw new IllegalArgumentException("usage: DemoNode --id ID --port PORT [--leader]");
        }
        NodeStatus status = NodeStatus.builder().role(leader ? Role.LEADER : Role.FOLLOWER).term(1)
                .leader(NodeId.of("node-1")).commitIndex(42).appliedIndex(42).lastLogIndex(42)
                .stateChecksum(new StateChecksum("c0ffee", 42)).build();
        NodeProtocolServer.builder(NodeId.of(id), () -> status).port(port).start();
        System.out.println("demo node " + id + " serving on 127.0.0.1:" + port);
        new CountDownLatch(1).await();
    }
}
