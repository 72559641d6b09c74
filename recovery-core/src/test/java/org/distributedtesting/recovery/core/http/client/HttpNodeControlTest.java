package org.distributedtesting.recovery.core.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.core.http.ControlRequest;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.distributedtesting.recovery.core.http.server.NodeProtocolServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link HttpNodeControl} against a real {@link NodeProtocolServer} over loopback sockets. */
class HttpNodeControlTest {

    private static final NodeId NODE = NodeId.of("node-1");
    private static final String TOKEN = "round-trip-token-31337";
    /** The source node of actions that copy data: not running, only its address matters. */
    private static final NodeSpec SOURCE = NodeSpec.of("node-2", "127.0.0.1", 8082, Path.of("/srv/node-2"));

    private final List<ControlRequest> received = new CopyOnWriteArrayList<>();
    private NodeProtocolServer server;
    private NodeSpec node;
    private HttpNodeControl control;

    @BeforeEach
    void startServerAndControl() throws Exception {
        server = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .controlHandler(request -> {
                    received.add(request);
                    return new ActionResult.Done(request.action().name() + " done",
                            Map.of("term", 4L, "members", List.of("node-1", "node-2")));
                })
                .token(() -> TOKEN)
                .start();
        node = NodeSpec.of("node-1", "127.0.0.1", server.port(), Path.of("/srv/node-1"));
        control = HttpNodeControl.builder().nodes(List.of(node, SOURCE)).token(() -> TOKEN)
                .deadline(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        control.close();
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.distributedtesting.recovery.core.http.codec.ActionJsonTest#protocolActions")
    void everyProtocolActionReachesTheHostAndItsResultComesBack(Action action, String path) throws Exception {
        // When the daemon's control carries out the action
        ActionResult result = control.execute(action);

        // Then the host got the same action, and the daemon the host's result
        assertThat(received).extracting(ControlRequest::action).containsExactly(action);
        assertThat(result).isEqualTo(new ActionResult.Done(action.name() + " done",
                Map.of("term", 4L, "members", List.of("node-1", "node-2"))));
    }

    @Test
    void actionsThatCopyFromANodeTellTheHostWhereItServes() throws Exception {
        control.execute(new Action.Restore(NODE, Action.Artifact.DATABASE, SOURCE.id()));
        control.execute(new Action.TriggerSync(NODE, SOURCE.id()));

        assertThat(received).extracting(ControlRequest::sourceAddress)
                .containsExactly(Optional.of("127.0.0.1:8082"), Optional.of("127.0.0.1:8082"));
    }

    @Test
    void startAndRestartNeedASupervisorAndSendNothing() throws Exception {
        assertThat(control.execute(new Action.Start(NODE)))
                .isEqualTo(new ActionResult.Failed("start/restart need a process supervisor"));
        assertThat(control.execute(new Action.Restart(NODE)))
                .isEqualTo(new ActionResult.Failed("start/restart need a process supervisor"));
        assertThat(received).isEmpty();
    }

    @Test
    void aFailureTheHostReportsIsAFailedResult() throws Exception {
        try (NodeProtocolServer refusing = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .control(action -> new ActionResult.Failed("not the leader")).token(() -> TOKEN).start();
             HttpNodeControl toRefusing = controlFor(refusing.port(), () -> TOKEN)) {
            assertThat(toRefusing.execute(new Action.StepDown(NODE, Optional.empty())))
                    .isEqualTo(new ActionResult.Failed("not the leader"));
        }
    }

    @Test
    void aWrongTokenIsAFailedResultSayingTheNodeRefusedIt() throws Exception {
        try (HttpNodeControl wrongToken = controlFor(server.port(), () -> "not-the-token")) {
            ActionResult result = wrongToken.execute(new Action.SetVoter(NODE, false));

            assertThat(result).isEqualTo(new ActionResult.Failed("POST /api/control/voter failed: node answered"
                    + " HTTP 401: the node refused the bearer token (is the control token configured?)"));
            assertThat(received).isEmpty();
        }
    }

    @Test
    void aRejectedRequestIsAFailedResultWithTheNodesError() throws Exception {
        // Given a node that is node-9 at the address the daemon has for node-1
        try (NodeProtocolServer other = NodeProtocolServer.builder(NodeId.of("node-9"),
                () -> NodeStatus.builder().build()).control(action -> ActionResult.Done.of("ok"))
                .token(() -> TOKEN).start();
             HttpNodeControl misconfigured = controlFor(other.port(), () -> TOKEN)) {
            // When an action is sent, Then the node refuses it and the daemon says why
            assertThat(misconfigured.execute(new Action.Reset(NODE, Action.Artifact.LOG)))
                    .isEqualTo(new ActionResult.Failed("POST /api/control/reset failed: node answered HTTP 409:"
                            + " this is node 'node-9', not 'node-1'"));
        }
    }

    @Test
    void aNodeThatAcceptsNoControlIsAFailedResult() throws Exception {
        try (NodeProtocolServer readOnly = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .start();
             HttpNodeControl toReadOnly = controlFor(readOnly.port(), () -> TOKEN)) {
            assertThat(toReadOnly.execute(new Action.CleanupResources(NODE)))
                    .isEqualTo(new ActionResult.Failed("this node accepts no control actions"));
        }
    }

    @Test
    void anUnknownNodeIsAProgrammerError() {
        assertThatThrownBy(() -> control.execute(new Action.Stop(NodeId.of("node-7"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("node 'node-7' is not one of the nodes");
    }

    @Test
    void refusesToActAfterClose() {
        control.close();

        assertThatThrownBy(() -> control.execute(new Action.Stop(NODE)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HttpNodeControl is closed");
    }

    @Test
    void builderRejectsMissingNodesAndOutOfRangeLimits() {
        assertThatThrownBy(() -> HttpNodeControl.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("nodes are required");
        assertThatThrownBy(() -> HttpNodeControl.builder().deadline(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deadline must be > 0, but was PT0S");
        assertThatThrownBy(() -> HttpNodeControl.builder().maxResponseBytes(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxResponseBytes must be in 1..1073741824, but was 0");
        assertThatThrownBy(() -> HttpNodeControl.builder().nodes(List.of(SOURCE, SOURCE)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("node ids must be unique");
    }

    private static HttpNodeControl controlFor(int port, java.util.function.Supplier<String> token) {
        return HttpNodeControl.builder()
                .nodes(List.of(NodeSpec.of("node-1", "127.0.0.1", port, Path.of("/srv/node-1"))))
                .token(token).deadline(Duration.ofSeconds(5)).build();
    }
}
