package org.distributedtesting.recovery.core.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.distributedtesting.recovery.core.http.StatusServer.utf8;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Action.Artifact;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.core.http.ControlRequest;
import org.distributedtesting.recovery.core.http.RawRequests;
import org.distributedtesting.recovery.core.http.codec.ActionJson;
import org.distributedtesting.recovery.core.http.server.NodeProtocolServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The control endpoints of {@link NodeProtocolServer}, spoken to as a coordinator in another language would. */
class NodeProtocolServerControlTest {

    private static final NodeId NODE = NodeId.of("node-1");
    private static final NodeId OTHER = NodeId.of("node-2");
    private static final String TOKEN = "control-token-0815";

    private final List<ControlRequest> received = new CopyOnWriteArrayList<>();
    private NodeProtocolServer server;
    private RawRequests http;

    @BeforeEach
    void startServer() throws Exception {
        server = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .controlHandler(request -> {
                    received.add(request);
                    return new ActionResult.Done(request.action().name() + " done", Map.of("term", 4L));
                })
                .token(() -> TOKEN)
                .start();
        http = new RawRequests(server.port());
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** Each control path with the example body of docs/node-protocol.md, and the action it must become. */
    static Stream<Arguments> documentedRequests() {
        return Stream.of(
                Arguments.of("/api/health/cancel_operations", "{\"operation_ids\":[\"op-1\"]}",
                        new Action.CancelOperations(NODE, List.of("op-1"))),
                Arguments.of("/api/health/cleanup_resources", "{}", new Action.CleanupResources(NODE)),
                Arguments.of("/api/health/trigger_sync",
                        "{\"from\":\"node-2\",\"from_address\":\"127.0.0.1:8082\",\"name\":\"trigger_sync\"}",
                        new Action.TriggerSync(NODE, OTHER)),
                Arguments.of("/api/control/step_down", "{\"successor\":\"node-2\"}",
                        new Action.StepDown(NODE, Optional.of(OTHER))),
                Arguments.of("/api/control/elections", "{\"paused\":true}", new Action.SetElectionsPaused(NODE, true)),
                Arguments.of("/api/control/move_aside", "{\"artifact\":\"database\"}",
                        new Action.MoveAside(NODE, Artifact.DATABASE)),
                Arguments.of("/api/control/restore",
                        "{\"artifact\":\"database\",\"from\":\"node-2\",\"from_address\":\"127.0.0.1:8082\"}",
                        new Action.Restore(NODE, Artifact.DATABASE, OTHER)),
                Arguments.of("/api/control/reset", "{\"artifact\":\"log\"}", new Action.Reset(NODE, Artifact.LOG)),
                Arguments.of("/api/control/voter", "{\"voter\":false}", new Action.SetVoter(NODE, false)),
                Arguments.of("/api/control/raise_term", "{\"term\":12}", new Action.RaiseTerm(NODE, 12)),
                Arguments.of("/api/control/check", "{}", new Action.CheckData(NODE)),
                Arguments.of("/api/control/custom",
                        "{\"name\":\"restart_stuck_component\",\"impact\":\"none\",\"parameters\":{}}",
                        new Action.Custom(NODE, "restart_stuck_component", Action.Impact.NONE, Map.of())),
                Arguments.of("/api/control/shutdown", "{}", new Action.Stop(NODE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documentedRequests")
    void eachControlPathReachesTheHostWithItsAction(String path, String body, Action expected) throws Exception {
        // When the documented request is sent with the token
        HttpResponse<String> response = http.post(path, body, TOKEN);

        // Then the host got the action, and the answer says what came of it
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(received).extracting(ControlRequest::action).containsExactly(expected);
        assertThat(response.body()).isEqualTo("{\"outcome\":\"done\",\"detail\":\"" + expected.name()
                + " done\",\"data\":{\"term\":4}}");
    }

    @Test
    void theDocumentedRequestsCoverEveryControlPath() {
        assertThat(documentedRequests().map(arguments -> arguments.get()[0]))
                .containsExactlyInAnyOrderElementsOf(ActionJson.PATHS);
    }

    @Test
    void theSourceAddressReachesTheHost() throws Exception {
        // When a restore names where its source serves the protocol
        http.post("/api/control/restore",
                "{\"artifact\":\"database\",\"from\":\"node-2\",\"from_address\":\"127.0.0.1:8082\"}", TOKEN);

        // Then the host can fetch from there
        assertThat(received).extracting(ControlRequest::sourceAddress).containsExactly(Optional.of("127.0.0.1:8082"));
    }

    static Stream<String> controlPaths() {
        return ActionJson.PATHS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controlPaths")
    void aControlRequestWithoutTheTokenIs401AndChangesNothing(String path) throws Exception {
        // When a valid request comes without a token
        HttpResponse<String> response = http.post(path, bodyFor(path), null);

        // Then it is refused and the host is not called
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(received).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controlPaths")
    void aControlRequestWithAWrongTokenIs401AndChangesNothing(String path) throws Exception {
        // When a valid request comes with another token, one that only shares a prefix, or the token as a prefix
        HttpResponse<String> wrong = http.post(path, bodyFor(path), "not-the-token");
        HttpResponse<String> prefix = http.post(path, bodyFor(path), TOKEN.substring(0, TOKEN.length() - 1));
        HttpResponse<String> longer = http.post(path, bodyFor(path), TOKEN + "0");

        // Then each is refused and the host is not called
        assertThat(List.of(wrong, prefix, longer)).extracting(HttpResponse::statusCode).containsOnly(401);
        assertThat(received).isEmpty();
    }

    @Test
    void aTokenUnderAnotherSchemeIs401() throws Exception {
        HttpResponse<String> basic = http.postAuthorized("/api/control/shutdown", utf8("{}"), "Basic " + TOKEN);
        HttpResponse<String> bare = http.postAuthorized("/api/control/shutdown", utf8("{}"), TOKEN);

        assertThat(basic.statusCode()).isEqualTo(401);
        assertThat(bare.statusCode()).isEqualTo(401);
        assertThat(received).isEmpty();
    }

    @Test
    void aRotatedTokenReplacesTheOldOne() throws Exception {
        // Given a host whose token changes
        AtomicReference<String> current = new AtomicReference<>("first-token");
        try (NodeProtocolServer rotating = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .control(action -> ActionResult.Done.of("ok")).token(current::get).start()) {
            RawRequests client = new RawRequests(rotating.port());
            assertThat(client.post("/api/control/shutdown", "{}", "first-token").statusCode()).isEqualTo(200);

            // When it rotates
            current.set("second-token");

            // Then only the new one is accepted
            assertThat(client.post("/api/control/shutdown", "{}", "first-token").statusCode()).isEqualTo(401);
            assertThat(client.post("/api/control/shutdown", "{}", "second-token").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aHostWithoutATokenRefusesEveryControlRequest() throws Exception {
        // Given a host whose token supplier has nothing (an unset variable)
        AtomicInteger calls = new AtomicInteger();
        try (NodeProtocolServer tokenless = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .control(action -> {
                    calls.incrementAndGet();
                    return ActionResult.Done.of("ok");
                }).token(() -> null).start()) {
            RawRequests client = new RawRequests(tokenless.port());

            // When requests come with any token or none, Then all are refused
            assertThat(client.post("/api/control/shutdown", "{}", "anything").statusCode()).isEqualTo(401);
            assertThat(client.post("/api/control/shutdown", "{}", null).statusCode()).isEqualTo(401);
            assertThat(calls).hasValue(0);
        }
    }

    @Test
    void aMalformedBodyIs400NamingTheMember() throws Exception {
        HttpResponse<String> response = http.post("/api/control/elections", "{\"paused\":\"yes\"}", TOKEN);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"error\":\"paused must be a boolean, but was \\\"yes\\\"\"}");
        assertThat(received).isEmpty();
    }

    @Test
    void aBodyThatIsNotJsonIs400() throws Exception {
        HttpResponse<String> response = http.post("/api/control/raise_term", "term=12", TOKEN);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("request body is not valid JSON at line 1, column 1");
        assertThat(received).isEmpty();
    }

    @Test
    void aRequestMeantForAnotherNodeIs409AndChangesNothing() throws Exception {
        // When a request names node-2 while this is node-1 (a port mix-up in the daemon's config)
        HttpResponse<String> response = http.post("/api/control/reset",
                "{\"node_id\":\"node-2\",\"artifact\":\"log\"}", TOKEN);

        // Then it is refused and the host is not called
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).contains("this is node 'node-1', not 'node-2'");
        assertThat(received).isEmpty();
    }

    @Test
    void aBodyOver64KiBIs413AndChangesNothing() throws Exception {
        byte[] body = paddedCustomRequest(NodeProtocolServer.MAX_REQUEST_BYTES + 1);

        HttpResponse<String> response = http.post("/api/control/custom", body, TOKEN);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("request body exceeds 65536 bytes");
        assertThat(received).isEmpty();
    }

    @Test
    void aBodyOfExactly64KiBIsAccepted() throws Exception {
        byte[] body = paddedCustomRequest(NodeProtocolServer.MAX_REQUEST_BYTES);

        HttpResponse<String> response = http.post("/api/control/custom", body, TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(received).hasSize(1);
    }

    @Test
    void theWrongMethodIs405NamingTheRightOne() throws Exception {
        HttpResponse<String> getOnControl = http.get("/api/control/step_down", TOKEN);
        HttpResponse<String> postOnStatus = http.post("/api/status", "{}", TOKEN);
        HttpResponse<String> putOnHealth = http.method("PUT", "/api/health/db", TOKEN);

        assertThat(getOnControl.statusCode()).isEqualTo(405);
        assertThat(getOnControl.headers().firstValue("Allow")).contains("POST");
        assertThat(postOnStatus.statusCode()).isEqualTo(405);
        assertThat(postOnStatus.headers().firstValue("Allow")).contains("GET");
        assertThat(putOnHealth.statusCode()).isEqualTo(405);
        assertThat(received).isEmpty();
    }

    @Test
    void anUnknownPathIs404() throws Exception {
        assertThat(http.post("/api/control/format_disk", "{}", TOKEN).statusCode()).isEqualTo(404);
        assertThat(http.get("/api/status/extra", null).statusCode()).isEqualTo(404);
        assertThat(http.get("/", null).statusCode()).isEqualTo(404);
        assertThat(http.get("/api/control/database_copy", TOKEN).statusCode()).as("no copy configured")
                .isEqualTo(404);
        assertThat(received).isEmpty();
    }

    @Test
    void aHostControlThatThrowsIsAFailedOutcomeNotACrash() throws Exception {
        try (NodeProtocolServer failing = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .control(action -> {
                    throw new IllegalStateException("raft group is closing");
                }).token(() -> TOKEN).start()) {
            HttpResponse<String> response = new RawRequests(failing.port())
                    .post("/api/control/step_down", "{}", TOKEN);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(
                    "{\"outcome\":\"failed\",\"detail\":\"raft group is closing\",\"data\":{}}");
        }
    }

    @Test
    void withoutControlEveryControlPathAnswersThatItAcceptsNone() throws Exception {
        try (NodeProtocolServer readOnly = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .start()) {
            HttpResponse<String> response = new RawRequests(readOnly.port()).post("/api/control/step_down", "{}",
                    null);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"outcome\":\"failed\"",
                    "\"detail\":\"this node accepts no control actions\"");
        }
    }

    @Test
    void controlOrADatabaseCopyWithoutATokenIsRefusedAtStart() {
        NodeProtocolServer.Builder withControl = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .control(action -> ActionResult.Done.of("ok"));
        NodeProtocolServer.Builder withCopy = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .databaseCopy(() -> new ByteArrayInputStream(new byte[0]));

        assertThatThrownBy(withControl::start).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("a token is required when control or databaseCopy is set");
        assertThatThrownBy(withCopy::start).isInstanceOf(IllegalStateException.class);
    }

    /** A valid body for each control path. */
    private static String bodyFor(String path) {
        return documentedRequests().filter(arguments -> arguments.get()[0].equals(path))
                .map(arguments -> (String) arguments.get()[1]).findFirst().orElseThrow();
    }

    /** A valid custom request of exactly {@code size} bytes. */
    private static byte[] paddedCustomRequest(int size) {
        String head = "{\"name\":\"x\",\"impact\":\"none\",\"parameters\":{\"pad\":\"";
        String tail = "\"}}";
        char[] pad = new char[size - head.length() - tail.length()];
        Arrays.fill(pad, 'a');
        return utf8(head + new String(pad) + tail);
    }
}
