package org.distributedtesting.recovery.strategies.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.distributedtesting.recovery.core.http.server.NodeProtocolServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FenceOnTakeover}: the daemon that becomes active fences every node it can reach at its new epoch, within
 * {@link FenceOnTakeover#WAIT}, and a standby fences nothing. Three real nodes on 127.0.0.1: node-1 and node-2 up,
 * node-3 down.
 */
class FenceOnTakeoverTest {

    private static final String TOKEN = "fence-on-takeover-token-5";
    private static final long EPOCH = 7;
    private static final NodeId NODE_1 = NodeId.of("node-1");
    private static final NodeId NODE_2 = NodeId.of("node-2");
    private static final NodeId NODE_3 = NodeId.of("node-3");

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void becomingActiveFencesEveryNodeThatIsUpAtTheEventsEpoch() throws Exception {
        // Given node-1 and node-2 up, node-3 down
        NodeProtocolServer one = node(NODE_1);
        NodeProtocolServer two = node(NODE_2);
        FenceOnTakeover fencing = fencing(List.of(spec(NODE_1, one.port()), spec(NODE_2, two.port()),
                spec(NODE_3, closedPort())), Duration.ofSeconds(5));

        // When this daemon becomes the active one at epoch 7
        fencing.onEvent(roleChanged(true));

        // Then both nodes that are up hold epoch 7 by the time the engine goes on to plan
        assertThat(one.fencingEpoch()).isEqualTo(EPOCH);
        assertThat(two.fencingEpoch()).isEqualTo(EPOCH);
    }

    @Test
    void aNodeThatNeverAnswersHoldsTheTakeoverUpForAtMostTheWait() throws Exception {
        // Given node-3 accepts connections (into the system's backlog) and never answers, and a request deadline far
        // longer than the wait
        NodeProtocolServer one = node(NODE_1);
        NodeProtocolServer two = node(NODE_2);
        ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        resources.add(silent);
        FenceOnTakeover fencing = fencing(List.of(spec(NODE_1, one.port()), spec(NODE_2, two.port()),
                spec(NODE_3, silent.getLocalPort())), Duration.ofSeconds(60));

        // When
        long start = System.nanoTime();
        fencing.onEvent(roleChanged(true));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // Then the engine's thread is back after about the wait, and the nodes that answered are fenced
        assertThat(took).isGreaterThanOrEqualTo(FenceOnTakeover.WAIT.minusMillis(100))
                .isLessThan(FenceOnTakeover.WAIT.plusSeconds(2));
        assertThat(one.fencingEpoch()).isEqualTo(EPOCH);
        assertThat(two.fencingEpoch()).isEqualTo(EPOCH);
    }

    @Test
    void becomingAStandbyFencesNothing() throws Exception {
        // Given
        NodeProtocolServer one = node(NODE_1);
        NodeProtocolServer two = node(NODE_2);
        FenceOnTakeover fencing = fencing(List.of(spec(NODE_1, one.port()), spec(NODE_2, two.port()),
                spec(NODE_3, closedPort())), Duration.ofSeconds(5));

        // When this daemon, which last held epoch 7, becomes a standby
        fencing.onEvent(roleChanged(false));

        // Then
        assertThat(one.fencingEpoch()).isZero();
        assertThat(two.fencingEpoch()).isZero();
    }

    @Test
    void otherEventsFenceNothing() throws Exception {
        // Given
        NodeProtocolServer one = node(NODE_1);
        FenceOnTakeover fencing = fencing(List.of(spec(NODE_1, one.port())), Duration.ofSeconds(5));

        // When
        fencing.onEvent(new RecoveryEvent.NodeReleased(Instant.parse("2026-12-07T10:00:00Z"), NODE_1,
                "probation over"));

        // Then
        assertThat(one.fencingEpoch()).isZero();
    }

    /** A node with a control and the token, its fencing epoch in memory. */
    private NodeProtocolServer node(NodeId id) throws IOException {
        NodeProtocolServer server = NodeProtocolServer.builder(id, () -> NodeStatus.builder().build())
                .control(action -> ActionResult.Done.of("ok"))
                .token(() -> TOKEN)
                .start();
        resources.add(server);
        return server;
    }

    /** The listener as the daemon builds it: the control's epoch is the lease's, which the event carries. */
    private FenceOnTakeover fencing(List<NodeSpec> nodes, Duration deadline) {
        HttpNodeControl control = HttpNodeControl.builder().nodes(nodes).token(() -> TOKEN).epoch(() -> EPOCH)
                .deadline(deadline).build();
        resources.add(control);
        FenceOnTakeover fencing = new FenceOnTakeover(control, nodes.stream().map(NodeSpec::id).toList());
        resources.add(fencing);
        return fencing;
    }

    private static RecoveryEvent.RoleChanged roleChanged(boolean active) {
        return new RecoveryEvent.RoleChanged(Instant.parse("2026-12-07T10:00:00Z"), "daemon-a", active, EPOCH,
                active ? "instance 'daemon-a' holds the lease" : "another instance holds the lease");
    }

    private static NodeSpec spec(NodeId id, int port) {
        return NodeSpec.of(id.value(), "127.0.0.1", port, Path.of("/srv/" + id.value()));
    }

    /** A port nobody listens on: the node is down. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
