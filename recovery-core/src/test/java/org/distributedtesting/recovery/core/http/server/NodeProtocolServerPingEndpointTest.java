package org.distributedtesting.recovery.core.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.core.http.ControlRequest;
import org.distributedtesting.recovery.core.http.RawRequests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/control/ping} of {@link NodeProtocolServer}: the authenticated no-op the daemon sends at its start
 * to find a node that refuses its control token before the first action fails on it.
 */
class NodeProtocolServerPingEndpointTest {

    private static final NodeId NODE = NodeId.of("node-1");
    private static final String TOKEN = "ping-endpoint-token-13";
    private static final String PING = "/api/control/ping";
    private static final String EPOCH = NodeProtocolServer.EPOCH_HEADER;

    private final List<ControlRequest> received = new CopyOnWriteArrayList<>();
    private final List<NodeProtocolServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(NodeProtocolServer::close);
    }

    @Test
    void aPingWithTheTokenIsAnsweredDoneAndCallsNoHost() throws Exception {
        // Given
        NodeProtocolServer server = start();

        // When
        HttpResponse<String> response = new RawRequests(server.port()).post(PING, "", TOKEN);

        // Then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .isEqualTo("{\"outcome\":\"done\",\"detail\":\"control token accepted\",\"data\":{}}");
        assertThat(received).isEmpty();
    }

    @Test
    void aPingWithoutTheTokenOrWithAnotherIsAnswered401() throws Exception {
        // Given
        RawRequests http = new RawRequests(start().port());

        // When
        HttpResponse<String> withoutToken = http.post(PING, "", null);
        HttpResponse<String> wrongToken = http.post(PING, "{}", "not-the-token");

        // Then
        assertThat(List.of(withoutToken.statusCode(), wrongToken.statusCode())).containsExactly(401, 401);
        assertThat(wrongToken.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(wrongToken.body()).isEqualTo("{\"error\":\"a valid bearer token is required\"}");
    }

    @Test
    void aPingNeitherRaisesNorChecksTheFencingEpoch() throws Exception {
        // Given a node fenced at epoch 5
        NodeProtocolServer server = start();
        RawRequests http = new RawRequests(server.port());
        assertThat(http.post("/api/control/fence", "", TOKEN, EPOCH, "5").statusCode()).isEqualTo(200);

        // When a ping arrives without an epoch, and one with a higher epoch
        HttpResponse<String> withoutEpoch = http.post(PING, "", TOKEN);
        HttpResponse<String> higher = http.post(PING, "", TOKEN, EPOCH, "9");

        // Then both are answered, and the node is still fenced at 5
        assertThat(List.of(withoutEpoch.statusCode(), higher.statusCode())).containsExactly(200, 200);
        assertThat(server.fencingEpoch()).isEqualTo(5);
    }

    @Test
    void aNodeWithoutATokenAnswersEveryPing() throws Exception {
        // Given a node that accepts no control actions and has no token
        NodeProtocolServer server = track(NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .start());

        // When
        HttpResponse<String> response = new RawRequests(server.port()).post(PING, "", null);

        // Then
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void getOnThePingIsAnswered405NamingPost() throws Exception {
        // Given
        NodeProtocolServer server = start();

        // When
        HttpResponse<String> response = new RawRequests(server.port()).get(PING, TOKEN);

        // Then
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    }

    private NodeProtocolServer start() throws Exception {
        return track(NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .controlHandler(request -> {
                    received.add(request);
                    return new ActionResult.Done("done", Map.of());
                })
                .token(() -> TOKEN)
                .start());
    }

    private NodeProtocolServer track(NodeProtocolServer server) {
        servers.add(server);
        return server;
    }
}
