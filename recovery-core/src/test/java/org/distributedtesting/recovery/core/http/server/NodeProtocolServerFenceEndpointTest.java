package org.distributedtesting.recovery.core.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/control/fence} of {@link NodeProtocolServer}: it raises the node's fencing epoch through the same
 * check as control requests ({@link EpochFence}: a lower epoch is refused, an equal one accepted and changes
 * nothing, a higher one is stored first and then accepted), and does nothing else.
 */
class NodeProtocolServerFenceEndpointTest {

    private static final NodeId NODE = NodeId.of("node-1");
    private static final String TOKEN = "fence-endpoint-token-31";
    private static final String FENCE = "/api/control/fence";
    private static final String FOR_NODE = "{\"node_id\":\"node-1\"}";
    private static final String VOTER = "/api/control/voter";
    private static final String VOTER_BODY = "{\"node_id\":\"node-1\",\"voter\":false}";
    private static final String EPOCH = NodeProtocolServer.EPOCH_HEADER;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<ControlRequest> received = new CopyOnWriteArrayList<>();
    private final List<NodeProtocolServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(NodeProtocolServer::close);
    }

    @Test
    void aFenceAnswersDoneWithTheEpochAndCallsNoHost() throws Exception {
        // Given a node never fenced
        NodeProtocolServer server = start(null);

        // When a daemon that became active fences it at epoch 5
        HttpResponse<String> response = new RawRequests(server.port()).post(FENCE, FOR_NODE, TOKEN, EPOCH, "5");

        // Then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .isEqualTo("{\"outcome\":\"done\",\"detail\":\"fenced at epoch 5\",\"data\":{\"epoch\":5}}");
        assertThat(server.fencingEpoch()).isEqualTo(5);
        assertThat(received).isEmpty();
    }

    @Test
    void aFenceMakesALaterControlRequestWithALowerEpochBeRefused() throws Exception {
        // Given a node the old daemon controlled at epoch 4, fenced by its successor at epoch 5
        RawRequests http = new RawRequests(start(null).port());
        assertThat(http.post(VOTER, VOTER_BODY, TOKEN, EPOCH, "4").statusCode()).isEqualTo(200);
        assertThat(http.post(FENCE, FOR_NODE, TOKEN, EPOCH, "5").statusCode()).isEqualTo(200);

        // When the old daemon's late request arrives
        HttpResponse<String> late = http.post(VOTER, VOTER_BODY, TOKEN, EPOCH, "4");

        // Then it is refused, and only its first request reached the host
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(late.body()).isEqualTo("{\"error\":\"stale fencing epoch 4: this node has already accepted"
                + " epoch 5 from a newer recovery daemon\",\"fenced_epoch\":5,\"request_epoch\":4}");
        assertThat(received).hasSize(1);
    }

    @Test
    void aFenceAtTheEpochTheNodeHoldsIsAcceptedAndChangesNothing() throws Exception {
        // Given
        NodeProtocolServer server = start(null);
        RawRequests http = new RawRequests(server.port());
        http.post(FENCE, FOR_NODE, TOKEN, EPOCH, "7");

        // When the same daemon fences again, say after a retry
        HttpResponse<String> again = http.post(FENCE, FOR_NODE, TOKEN, EPOCH, "7");

        // Then
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body())
                .isEqualTo("{\"outcome\":\"done\",\"detail\":\"fenced at epoch 7\",\"data\":{\"epoch\":7}}");
        assertThat(server.fencingEpoch()).isEqualTo(7);
    }

    @Test
    void aFenceAtALowerEpochIsRefusedAsStaleAndKeepsTheEpoch() throws Exception {
        // Given a node a newer daemon has controlled at epoch 9
        NodeProtocolServer server = start(null);
        RawRequests http = new RawRequests(server.port());
        http.post(VOTER, VOTER_BODY, TOKEN, EPOCH, "9");

        // When a daemon that took its epoch earlier fences it at 8
        HttpResponse<String> stale = http.post(FENCE, FOR_NODE, TOKEN, EPOCH, "8");

        // Then
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.body()).isEqualTo("{\"error\":\"stale fencing epoch 8: this node has already accepted"
                + " epoch 9 from a newer recovery daemon\",\"fenced_epoch\":9,\"request_epoch\":8}");
        assertThat(server.fencingEpoch()).isEqualTo(9);
    }

    @Test
    void aFenceAtAHigherEpochRaisesTheOneAControlRequestSet() throws Exception {
        // Given
        NodeProtocolServer server = start(null);
        RawRequests http = new RawRequests(server.port());
        http.post(VOTER, VOTER_BODY, TOKEN, EPOCH, "2");

        // When
        HttpResponse<String> higher = http.post(FENCE, FOR_NODE, TOKEN, EPOCH, "3");

        // Then
        assertThat(higher.statusCode()).isEqualTo(200);
        assertThat(server.fencingEpoch()).isEqualTo(3);
        assertThat(http.post(VOTER, VOTER_BODY, TOKEN, EPOCH, "2").statusCode()).isEqualTo(409);
    }

    @Test
    void aFenceWithoutTheEpochHeaderIsAnswered400AndFencesNothing() throws Exception {
        // Given
        NodeProtocolServer server = start(null);

        // When
        HttpResponse<String> response = new RawRequests(server.port()).post(FENCE, FOR_NODE, TOKEN);

        // Then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body())
                .isEqualTo("{\"error\":\"a fence request must carry the Recovery-Epoch header\"}");
        assertThat(server.fencingEpoch()).isZero();
    }

    @Test
    void aFenceWithAnEpochThatIsNotANumberIsAnswered400() throws Exception {
        // Given
        NodeProtocolServer server = start(null);

        // When
        HttpResponse<String> response = new RawRequests(server.port()).post(FENCE, FOR_NODE, TOKEN, EPOCH, "0");

        // Then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").asText())
                .startsWith("Recovery-Epoch must be a positive decimal number");
        assertThat(server.fencingEpoch()).isZero();
    }

    @Test
    void aFenceMeantForAnotherNodeIsAnswered409AndFencesNothing() throws Exception {
        // Given
        NodeProtocolServer server = start(null);

        // When a daemon with a wrong address for node-2 fences it here
        HttpResponse<String> response = new RawRequests(server.port())
                .post(FENCE, "{\"node_id\":\"node-2\"}", TOKEN, EPOCH, "5");

        // Then it is refused as a request for another node, not as a stale epoch
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).isEqualTo("{\"error\":\"this is node 'node-1', not 'node-2'\"}");
        assertThat(server.fencingEpoch()).isZero();
    }

    @Test
    void aFenceWithoutABodyFencesTheNode() throws Exception {
        // Given
        NodeProtocolServer server = start(null);

        // When
        HttpResponse<String> response = new RawRequests(server.port()).post(FENCE, "", TOKEN, EPOCH, "6");

        // Then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(server.fencingEpoch()).isEqualTo(6);
    }

    @Test
    void aFenceWithABodyThatIsNotAnObjectIsAnswered400() throws Exception {
        // Given
        NodeProtocolServer server = start(null);

        // When
        HttpResponse<String> response = new RawRequests(server.port()).post(FENCE, "[1]", TOKEN, EPOCH, "6");

        // Then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(server.fencingEpoch()).isZero();
    }

    @Test
    void getOnTheFenceIsAnswered405NamingPost() throws Exception {
        // Given
        NodeProtocolServer server = start(null);

        // When
        HttpResponse<String> response = new RawRequests(server.port()).get(FENCE, TOKEN);

        // Then
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
        assertThat(response.body()).isEqualTo("{\"error\":\"/api/control/fence takes POST, not GET\"}");
    }

    @Test
    void aFenceWithoutTheTokenIsAnswered401AndFencesNothing() throws Exception {
        // Given
        NodeProtocolServer server = start(null);
        RawRequests http = new RawRequests(server.port());

        // When
        HttpResponse<String> withoutToken = http.post(FENCE, FOR_NODE, null, EPOCH, "5");
        HttpResponse<String> wrongToken = http.post(FENCE, FOR_NODE, "not-the-token", EPOCH, "5");

        // Then
        assertThat(List.of(withoutToken.statusCode(), wrongToken.statusCode())).containsExactly(401, 401);
        assertThat(withoutToken.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(server.fencingEpoch()).isZero();
    }

    @Test
    void theFencedEpochIsStoredInTheFileAndSurvivesARestart() throws Exception {
        // Given a node with a fencing file, fenced at epoch 11
        Path file = dir.resolve("state").resolve("fencing-epoch");
        NodeProtocolServer first = start(file);
        assertThat(new RawRequests(first.port()).post(FENCE, FOR_NODE, TOKEN, EPOCH, "11").statusCode())
                .isEqualTo(200);
        assertThat(Files.readString(file)).isEqualTo("11\n");
        first.close();

        // When the node starts again on the same file
        NodeProtocolServer second = start(file);
        RawRequests http = new RawRequests(second.port());

        // Then it is still fenced at 11, for control requests and fences alike
        assertThat(second.fencingEpoch()).isEqualTo(11);
        assertThat(http.post(VOTER, VOTER_BODY, TOKEN, EPOCH, "10").statusCode()).isEqualTo(409);
        assertThat(http.post(FENCE, FOR_NODE, TOKEN, EPOCH, "10").statusCode()).isEqualTo(409);
        assertThat(received).isEmpty();
    }

    @Test
    void aFenceWhoseEpochCannotBeStoredIsAnswered500AndKeepsTheEpoch() throws Exception {
        // Given a fencing file whose temporary file's name is taken by a directory
        Path file = Files.writeString(dir.resolve("fencing-epoch"), "3\n");
        Files.createDirectories(dir.resolve("fencing-epoch.tmp").resolve("blocker"));
        NodeProtocolServer server = start(file);

        // When
        HttpResponse<String> response = new RawRequests(server.port()).post(FENCE, FOR_NODE, TOKEN, EPOCH, "4");

        // Then the node does not claim a fence it could not promise to remember
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(response.body()).get("error").asText())
                .startsWith("cannot store fencing epoch 4 in " + file.toAbsolutePath());
        assertThat(server.fencingEpoch()).isEqualTo(3);
        assertThat(Files.readString(file)).isEqualTo("3\n");
    }

    @Test
    void aNodeWithoutControlIsFencedToo() throws Exception {
        // Given a node that accepts no control actions (and so needs no token)
        NodeProtocolServer server = track(NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .start());
        RawRequests http = new RawRequests(server.port());

        // When
        HttpResponse<String> fenced = http.post(FENCE, FOR_NODE, null, EPOCH, "5");

        // Then the fence is the server's own and is kept; control actions are still declined
        assertThat(fenced.statusCode()).isEqualTo(200);
        assertThat(fenced.body())
                .isEqualTo("{\"outcome\":\"done\",\"detail\":\"fenced at epoch 5\",\"data\":{\"epoch\":5}}");
        assertThat(server.fencingEpoch()).isEqualTo(5);
        assertThat(http.post(VOTER, VOTER_BODY, null, EPOCH, "6").body()).isEqualTo("{\"outcome\":\"failed\","
                + "\"detail\":\"this node accepts no control actions\",\"data\":{}}");
        assertThat(server.fencingEpoch()).isEqualTo(5);
    }

    /** A node with a control that records each request, and {@code file} as its fencing file when not null. */
    private NodeProtocolServer start(Path file) throws IOException {
        NodeProtocolServer.Builder builder = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .controlHandler(request -> {
                    received.add(request);
                    return new ActionResult.Done("done", Map.of());
                })
                .token(() -> TOKEN);
        if (file != null) {
            builder.fencingFile(file);
        }
        return track(builder.start());
    }

    private NodeProtocolServer track(NodeProtocolServer server) {
        servers.add(server);
        return server;
    }
}
