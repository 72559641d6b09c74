package org.distributedtesting.recovery.core.http.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.core.http.server.NodeProtocolServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HttpNodeControl#ping}: whether a node accepts the control token, asked without changing anything. */
class HttpNodeControlPingTest {

    private static final NodeId NODE = NodeId.of("node-1");
    private static final String TOKEN = "ping-client-token-13";

    private NodeProtocolServer server;

    @BeforeEach
    void startNode() throws Exception {
        server = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .control(action -> ActionResult.Done.of(action.name() + " done"))
                .token(() -> TOKEN)
                .start();
    }

    @AfterEach
    void stopNode() {
        server.close();
    }

    @Test
    void aNodeWithTheSameTokenAcceptsIt() throws Exception {
        // Given / When
        ActionResult result;
        try (HttpNodeControl control = control(node(server.port()), TOKEN)) {
            result = control.ping(NODE);
        }

        // Then
        assertThat(result).isEqualTo(ActionResult.Done.of("control token accepted"));
        assertThat(server.fencingEpoch()).isZero();
    }

    @Test
    void aNodeWithAnotherTokenRefusesItAndTheDetailNamesNeither() throws Exception {
        // Given / When
        ActionResult result;
        try (HttpNodeControl control = control(node(server.port()), "the-daemons-token-13")) {
            result = control.ping(NODE);
        }

        // Then
        assertThat(result).isEqualTo(new ActionResult.Failed("POST /api/control/ping failed: node answered HTTP 401:"
                + " the node refused the bearer token (is the control token configured?)"));
    }

    @Test
    void aNodeThatIsDownIsAFailureNotAnException() throws Exception {
        // Given a port nothing listens on
        int free;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = socket.getLocalPort();
        }

        // When
        ActionResult result;
        try (HttpNodeControl control = control(node(free), TOKEN)) {
            result = control.ping(NODE);
        }

        // Then
        assertThat(result.done()).isFalse();
        assertThat(result.detail()).startsWith("POST /api/control/ping failed: ").doesNotContain(TOKEN);
    }

    private static NodeSpec node(int port) {
        return new NodeSpec(NODE, "127.0.0.1", port, Path.of("n1"), List.of(), List.of());
    }

    private static HttpNodeControl control(NodeSpec node, String token) {
        return HttpNodeControl.builder().nodes(List.of(node)).token(() -> token).build();
    }
}
