package org.distributedtesting.recovery.core.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.core.http.ControlRequest;
import org.distributedtesting.recovery.core.http.RawRequests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fencing by {@link NodeProtocolServer}: the {@code Recovery-Epoch} header of control requests, and its file. */
class NodeProtocolServerFencingTest {

    private static final NodeId NODE = NodeId.of("node-1");
    private static final String TOKEN = "fencing-token-4711";
    private static final String VOTER = "/api/control/voter";
    private static final String BODY = "{\"node_id\":\"node-1\",\"voter\":false}";
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
    void aLowerEpochIsRefusedWith409AndTheHostIsNotCalled() throws Exception {
        // Given a node that has accepted epoch 5
        RawRequests http = new RawRequests(start(null).port());
        assertThat(http.post(VOTER, BODY, TOKEN, EPOCH, "5").statusCode()).isEqualTo(200);

        // When a request with epoch 3 arrives
        HttpResponse<String> response = http.post(VOTER, BODY, TOKEN, EPOCH, "3");

        // Then it is refused, saying both epochs, and only the first request reached the host
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).isEqualTo("{\"error\":\"stale fencing epoch 3: this node has already accepted"
                + " epoch 5 from a newer recovery daemon\",\"fenced_epoch\":5,\"request_epoch\":3}");
        assertThat(received).hasSize(1);
    }

    @Test
    void theSameEpochIsAcceptedAgain() throws Exception {
        // Given
        RawRequests http = new RawRequests(start(null).port());
        http.post(VOTER, BODY, TOKEN, EPOCH, "5");

        // When
        HttpResponse<String> again = http.post(VOTER, BODY, TOKEN, EPOCH, "5");

        // Then
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(received).hasSize(2);
    }

    @Test
    void aHigherEpochIsAcceptedAndRaisesTheFence() throws Exception {
        // Given
        NodeProtocolServer server = start(null);
        RawRequests http = new RawRequests(server.port());
        http.post(VOTER, BODY, TOKEN, EPOCH, "5");

        // When
        HttpResponse<String> higher = http.post(VOTER, BODY, TOKEN, EPOCH, "6");

        // Then the old daemon's epoch is refused from now on
        assertThat(higher.statusCode()).isEqualTo(200);
        assertThat(server.fencingEpoch()).isEqualTo(6);
        assertThat(http.post(VOTER, BODY, TOKEN, EPOCH, "5").statusCode()).isEqualTo(409);
    }

    @Test
    void aRequestWithoutEpochIsAcceptedWhileTheNodeWasNeverFenced() throws Exception {
        // Given a node no coordinated daemon has spoken to
        NodeProtocolServer server = start(null);

        // When a single daemon without coordination sends actions
        HttpResponse<String> response = new RawRequests(server.port()).post(VOTER, BODY, TOKEN);

        // Then they are carried out, and the node stays unfenced
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(received).hasSize(1);
        assertThat(server.fencingEpoch()).isZero();
    }

    @Test
    void aRequestWithoutEpochIsRefusedOnceTheNodeIsFenced() throws Exception {
        // Given a node fenced at epoch 2
        RawRequests http = new RawRequests(start(null).port());
        http.post(VOTER, BODY, TOKEN, EPOCH, "2");

        // When a request without the header arrives
        HttpResponse<String> response = http.post(VOTER, BODY, TOKEN);

        // Then
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).isEqualTo("{\"error\":\"this node is fenced at epoch 2 and the request carried"
                + " no Recovery-Epoch header: only the recovery daemon that holds the current epoch may control"
                + " it\",\"fenced_epoch\":2}");
        assertThat(received).hasSize(1);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"abc", "0", "-1", "+5", "1.5", "5 6", "0x10", "9223372036854775808", ""})
    void anEpochThatIsNotAPositiveNumberIsAnswered400NamingTheHeader(String value) throws Exception {
        // Given
        NodeProtocolServer server = start(null);

        // When
        HttpResponse<String> response = new RawRequests(server.port()).post(VOTER, BODY, TOKEN, EPOCH, value);

        // Then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").asText())
                .startsWith("Recovery-Epoch must be a positive decimal number of at most 9223372036854775807,"
                        + " but was \"" + value.strip() + "\"");
        assertThat(received).isEmpty();
        assertThat(server.fencingEpoch()).isZero();
    }

    @Test
    void anEpochSentTwiceIsAnswered400() throws Exception {
        HttpResponse<String> response = new RawRequests(start(null).port())
                .post(VOTER, BODY, TOKEN, EPOCH, "4", EPOCH, "9");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"error\":\"Recovery-Epoch must be sent once, but was sent 2"
                + " times\"}");
        assertThat(received).isEmpty();
    }

    @Test
    void refusedRequestsDoNotRaiseTheEpoch() throws Exception {
        // Given
        NodeProtocolServer server = start(null);
        RawRequests http = new RawRequests(server.port());

        // When requests with a high epoch are refused for other reasons first
        HttpResponse<String> wrongToken = http.post(VOTER, BODY, "not-the-token", EPOCH, "9");
        HttpResponse<String> otherNode = http.post(VOTER, "{\"node_id\":\"node-2\",\"voter\":false}", TOKEN,
                EPOCH, "9");
        HttpResponse<String> malformed = http.post(VOTER, "{\"voter\":\"no\"}", TOKEN, EPOCH, "9");

        // Then each is answered as before, and the node is not fenced by any
        assertThat(List.of(wrongToken.statusCode(), otherNode.statusCode(), malformed.statusCode()))
                .containsExactly(401, 409, 400);
        assertThat(server.fencingEpoch()).isZero();
        assertThat(http.post(VOTER, BODY, TOKEN, EPOCH, "1").statusCode()).isEqualTo(200);
    }

    @Test
    void theDatabaseCopyIsServedWithoutAnEpochOnAFencedNode() throws Exception {
        // Given a fenced node that serves its database to the nodes it restores
        NodeProtocolServer server = track(NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .control(action -> ActionResult.Done.of("ok")).token(() -> TOKEN)
                .databaseCopy(() -> new ByteArrayInputStream(new byte[] {1, 2, 3})).start());
        RawRequests http = new RawRequests(server.port());
        http.post(VOTER, BODY, TOKEN, EPOCH, "3");

        // When another node fetches the copy, without an epoch
        HttpResponse<String> copy = http.get("/api/control/database_copy", TOKEN);

        // Then
        assertThat(copy.statusCode()).isEqualTo(200);
    }

    @Test
    void theEpochIsStoredInTheFileAndSurvivesARestart() throws Exception {
        // Given a node with a fencing file that accepted epoch 7
        Path file = dir.resolve("state").resolve("fencing-epoch");
        NodeProtocolServer first = start(file);
        assertThat(new RawRequests(first.port()).post(VOTER, BODY, TOKEN, EPOCH, "7").statusCode()).isEqualTo(200);
        assertThat(Files.readString(file)).isEqualTo("7\n");
        first.close();

        // When the node starts again on the same file
        NodeProtocolServer second = start(file);
        RawRequests http = new RawRequests(second.port());

        // Then it is still fenced at 7
        assertThat(second.fencingEpoch()).isEqualTo(7);
        assertThat(http.post(VOTER, BODY, TOKEN, EPOCH, "6").statusCode()).isEqualTo(409);
        assertThat(http.post(VOTER, BODY, TOKEN).statusCode()).isEqualTo(409);
        assertThat(http.post(VOTER, BODY, TOKEN, EPOCH, "7").statusCode()).isEqualTo(200);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aMissingFencingFileStartsUnfencedAndIsCreatedOnTheFirstEpoch() throws Exception {
        // Given
        Path file = dir.resolve("fencing-epoch");
        NodeProtocolServer server = start(file);
        RawRequests http = new RawRequests(server.port());

        // When
        HttpResponse<String> withoutEpoch = http.post(VOTER, BODY, TOKEN);

        // Then
        assertThat(withoutEpoch.statusCode()).isEqualTo(200);
        assertThat(file).doesNotExist();
        http.post(VOTER, BODY, TOKEN, EPOCH, "12");
        assertThat(Files.readString(file)).isEqualTo("12\n");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "seven", "0", "-4", "12 13", "99999999999999999999"})
    void aCorruptFencingFileStopsTheStartWithAClearError(String content) throws Exception {
        // Given
        Path file = Files.writeString(dir.resolve("fencing-epoch"), content);

        // When / Then
        assertThatThrownBy(() -> start(file))
                .isInstanceOf(IOException.class)
                .hasMessage("the fencing file " + file.toAbsolutePath() + " of node 'node-1' is corrupt: it must"
                        + " hold one positive decimal number, the highest fencing epoch the node has accepted, but"
                        + " holds \"" + content + "\". Write the recovery daemons' current epoch into it (or"
                        + " delete it to accept requests of any epoch again) and start the node again");
    }

    @Test
    void aFencingFileThatCannotBeWrittenRefusesTheRequestAndKeepsTheEpoch() throws Exception {
        // Given a fencing file whose temporary file's name is taken by a directory
        Path file = dir.resolve("fencing-epoch");
        Files.writeString(file, "3\n");
        Files.createDirectories(dir.resolve("fencing-epoch.tmp").resolve("blocker"));
        NodeProtocolServer server = start(file);

        // When a higher epoch arrives
        HttpResponse<String> response = new RawRequests(server.port()).post(VOTER, BODY, TOKEN, EPOCH, "4");

        // Then it is not carried out, since the node could not promise to remember it
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(response.body()).get("error").asText())
                .startsWith("cannot store fencing epoch 4 in " + file.toAbsolutePath());
        assertThat(received).isEmpty();
        assertThat(server.fencingEpoch()).isEqualTo(3);
        assertThat(Files.readString(file)).isEqualTo("3\n");
    }

    @Test
    void concurrentRequestsKeepTheHighestEpochAndRefuseOnlyLowerOnes() throws Exception {
        // Given a durable node and 12 requests with epochs 1..12, released at once (within the per-client cap)
        Path file = dir.resolve("fencing-epoch");
        NodeProtocolServer server = start(file);
        RawRequests http = new RawRequests(server.port());
        int requests = 12;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService senders = Executors.newFixedThreadPool(requests);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int epoch = 1; epoch <= requests; epoch++) {
                String value = Integer.toString(epoch);
                Callable<HttpResponse<String>> send = () -> {
                    go.await();
                    return http.post(VOTER, BODY, TOKEN, EPOCH, value);
                };
                answers.add(senders.submit(send));
            }
            go.countDown();

            // Then the highest is kept, in memory and in the file
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> answer : answers) {
                responses.add(answer.get());
            }
            assertThat(server.fencingEpoch()).isEqualTo(requests);
            assertThat(Files.readString(file)).isEqualTo(requests + "\n");
            // the highest is never refused, and every refusal names a higher epoch than the one refused
            assertThat(responses.get(requests - 1).statusCode()).isEqualTo(200);
            for (HttpResponse<String> response : responses) {
                assertThat(response.statusCode()).isIn(200, 409);
                if (response.statusCode() == 409) {
                    JsonNode body = JSON.readTree(response.body());
                    assertThat(body.get("fenced_epoch").asLong()).isGreaterThan(body.get("request_epoch").asLong());
                }
            }
            assertThat(received).hasSize((int) responses.stream().filter(r -> r.statusCode() == 200).count());
        } finally {
            senders.shutdownNow();
        }
    }

    @Test
    void builderRejectsANullFencingFile() {
        assertThatThrownBy(() -> NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .fencingFile(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("file");
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
