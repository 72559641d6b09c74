package org.distributedtesting.recovery.core.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.distributedtesting.recovery.core.http.StatusServer.respond;
import static org.distributedtesting.recovery.core.http.StatusServer.utf8;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.core.http.StatusServer;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;
import org.distributedtesting.recovery.core.http.client.NodeRoutes;
import org.distributedtesting.recovery.core.http.codec.StatusJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The monitor's switch to a node's alternative address, shared by probe and control, and its way back. */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NodeRoutesTest {

    private static final Duration DEADLINE = Duration.ofSeconds(2);
    private static final NodeId NODE = NodeId.of("node-1");

    private final NodeRoutes routes = new NodeRoutes();
    private final HttpNodeProbe probe = HttpNodeProbe.builder().routes(routes).build();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private StatusServer alternative;
    private HttpNodeControl control;

    @AfterEach
    void stop() {
        probe.close();
        if (control != null) {
            control.close();
        }
        if (alternative != null) {
            alternative.close();
        }
    }

    @Test
    void switchesProbesAndActionsToAnAlternativeThatAnswersAsTheNode() throws Exception {
        // Given node-1 is unreachable at its primary address but answers at its alternative
        NodeSpec node = nodeAnsweringAtAlternativeOnly("node-1");
        assertThatThrownBy(() -> probe.probe(node, DEADLINE)).isInstanceOf(IOException.class);

        // When the partition strategy asks to use the alternative
        ActionResult result = control.execute(useAlternative(alternativeAddress()));

        // Then the switch is done, and probes and actions go to the alternative
        assertThat(result).isInstanceOf(ActionResult.Done.class);
        assertThat(result.detail()).contains("alternative address " + alternativeAddress());
        assertThat(routes.alternativeInUse(NODE)).contains(alternativeAddress());
        assertThat(probe.probe(node, DEADLINE).role()).isEqualTo(Role.FOLLOWER);
        assertThat(control.execute(new Action.StepDown(NODE, Optional.empty()))).isInstanceOf(ActionResult.Done.class);
        assertThat(paths).contains(HttpNodeProbe.STATUS_PATH).anyMatch(p -> p.startsWith("/api/control/"));
    }

    @Test
    void refusesAnAddressThatIsNotConfiguredAndKeepsThePrimary() throws Exception {
        // Given a node with one configured alternative
        nodeAnsweringAtAlternativeOnly("node-1");

        // When asked to use an address that is not one of its alternatives
        ActionResult result = control.execute(useAlternative("127.0.0.1:1"));

        // Then nothing changes, and the error names the configured ones
        assertThat(result).isInstanceOf(ActionResult.Failed.class);
        assertThat(result.detail()).contains("'127.0.0.1:1' is not an alternative address of node 'node-1'")
                .contains(alternativeAddress());
        assertThat(routes.alternativeInUse(NODE)).isEmpty();
        assertThat(paths).isEmpty();
    }

    @Test
    void refusesAnAlternativeServedByAnotherNode() throws Exception {
        // Given the alternative address of node-1 is served by node-9
        alternative = StatusServer.start(exchange -> respond(exchange, 200,
                StatusJson.write(NodeId.of("node-9"), follower())));
        NodeSpec node = new NodeSpec(NODE, "127.0.0.1", deadPort(), Path.of("/srv/node-1"),
                List.of(alternativeAddress()), List.of());
        control = HttpNodeControl.builder().nodes(List.of(node)).routes(routes).build();

        // When asked to use it, Then the switch fails and the route stays primary
        ActionResult result = control.execute(useAlternative(alternativeAddress()));
        assertThat(result).isInstanceOf(ActionResult.Failed.class);
        assertThat(result.detail()).contains("does not answer at its alternative address").contains("node-9");
        assertThat(routes.alternativeInUse(NODE)).isEmpty();
    }

    @Test
    void goesBackToThePrimaryWhenTheAlternativeStopsAnswering() throws Exception {
        // Given node-1 is reached at its alternative
        NodeSpec node = nodeAnsweringAtAlternativeOnly("node-1");
        assertThat(control.execute(useAlternative(alternativeAddress()))).isInstanceOf(ActionResult.Done.class);

        // When the alternative goes away
        alternative.close();

        // Then the next probe fails there and the route returns to the primary address
        assertThatThrownBy(() -> probe.probe(node, DEADLINE)).isInstanceOf(IOException.class);
        assertThat(routes.alternativeInUse(NODE)).isEmpty();
    }

    @Test
    void refusesTheActionWithoutAnAddress() throws Exception {
        nodeAnsweringAtAlternativeOnly("node-1");

        ActionResult result = control.execute(new Action.Custom(NODE, NodeRoutes.USE_ALTERNATIVE_ADDRESS,
                Action.Impact.NONE, Map.of()));

        assertThat(result).isInstanceOf(ActionResult.Failed.class);
        assertThat(result.detail()).contains("needs the parameter 'address'");
    }

    private NodeSpec nodeAnsweringAtAlternativeOnly(String id) throws IOException {
        alternative = StatusServer.start(exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            if (exchange.getRequestMethod().equals("GET")) {
                respond(exchange, 200, StatusJson.write(NodeId.of(id), follower()));
            } else {
                respond(exchange, 200, utf8("{\"outcome\":\"done\",\"detail\":\"stepped down\"}"));
            }
        });
        NodeSpec node = new NodeSpec(NodeId.of(id), "127.0.0.1", deadPort(), Path.of("/srv", id),
                List.of(alternativeAddress()), List.of());
        control = HttpNodeControl.builder().nodes(List.of(node)).routes(routes).build();
        return node;
    }

    private String alternativeAddress() {
        return "127.0.0.1:" + alternative.node("x").port();
    }

    private static Action useAlternative(String address) {
        return new Action.Custom(NODE, NodeRoutes.USE_ALTERNATIVE_ADDRESS, Action.Impact.NONE,
                Map.of("address", address));
    }

    private static NodeStatus follower() {
        return NodeStatus.builder().role(Role.FOLLOWER).term(2).leader(NodeId.of("node-2")).build();
    }

    /** A loopback port nothing listens on. */
    private static int deadPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
