package org.distributedtesting.recovery.core.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.core.http.RawConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP/1.1 of {@link NodeProtocolServer} itself, written byte for byte on loopback sockets. */
class NodeProtocolServerHttpTest {

    private static final NodeId NODE = NodeId.of("node-1");
    private static final String TOKEN = "http-token-4711";
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final List<Action> received = new CopyOnWriteArrayList<>();
    private final List<RawConnection> connections = new ArrayList<>();
    private NodeProtocolServer server;

    @AfterEach
    void stop() throws IOException {
        for (RawConnection connection : connections) {
            connection.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void eachAnswerEndsItsConnection() throws Exception {
        server = node().start();

        String answer = connect("127.0.0.1").exchange("GET /api/status HTTP/1.1\r\nHost: n\r\n\r\n", BOUND);

        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("\r\nConnection: close\r\n")
                .contains("\r\nContent-Type: application/json\r\n")
                .contains("\r\nContent-Length: " + body.length() + "\r\n");
        assertThat(body).startsWith("{\"node_id\":\"node-1\",").endsWith("}");
    }

    @Test
    void aChunkedControlBodyReachesTheHost() throws Exception {
        server = node().start();

        String answer = connect("127.0.0.1").exchange("POST /api/control/raise_term HTTP/1.1\r\n"
                + "Authorization: Bearer " + TOKEN + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\n{\"ter\r\n6\r\nm\":12}\r\n0\r\n\r\n", BOUND);

        assertThat(answer).startsWith("HTTP/1.1 200 ");
        assertThat(received).containsExactly(new Action.RaiseTerm(NODE, 12));
    }

    @Test
    void aClientExpectingContinueIsInvitedOnlyWithTheRightToken() throws Exception {
        server = node().start();
        String head = "POST /api/control/shutdown HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n";

        // When a client without the token waits for 100 Continue, Then it is refused before its body
        String refused = connect("127.0.0.1").exchange(head + "\r\n", BOUND);
        assertThat(refused).startsWith("HTTP/1.1 401 ").doesNotContain("100 Continue");

        // When a client with the token waits for it, Then it is invited, and its action carried out
        RawConnection invited = connect("127.0.0.1").send(head + "Authorization: Bearer " + TOKEN + "\r\n\r\n");
        await().atMost(BOUND).until(() -> invited.closedByServer() || invited.received().contains("\r\n\r\n"));
        assertThat(invited.received()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
        assertThat(invited.exchange("{}", BOUND)).contains("HTTP/1.1 200 ");
        assertThat(received).containsExactly(new Action.Stop(NODE));
    }

    @Test
    void malformedRequestsAreAnsweredWithTheirStatus() throws Exception {
        server = node().start();

        assertThat(connect("127.0.0.1").exchange("HELLO\r\n\r\n", BOUND))
                .startsWith("HTTP/1.1 400 ").endsWith("{\"error\":\"malformed request line: HELLO\"}");
        assertThat(connect("127.0.0.1").exchange("GET /api/status HTTP/1.1\r\nX-Big: "
                + "a".repeat(RequestHead.MAX_BYTES) + "\r\n\r\n", BOUND)).startsWith("HTTP/1.1 431 ");
        assertThat(connect("127.0.0.1").exchange("POST /api/control/shutdown HTTP/1.1\r\nAuthorization: Bearer "
                + TOKEN + "\r\nTransfer-Encoding: gzip\r\n\r\n", BOUND)).startsWith("HTTP/1.1 501 ");
        assertThat(received).isEmpty();
    }

    @Test
    void aDatabaseCopyToAnHttp10ClientEndsWithTheConnection() throws Exception {
        byte[] copy = "SQLite format 3".getBytes(StandardCharsets.US_ASCII);
        server = node().databaseCopy(() -> new ByteArrayInputStream(copy)).start();

        String answer = connect("127.0.0.1").exchange("GET /api/control/database_copy HTTP/1.0\r\n"
                + "Authorization: Bearer " + TOKEN + "\r\n\r\n", BOUND);

        assertThat(answer).startsWith("HTTP/1.1 200 ").doesNotContain("chunked").endsWith("\r\n\r\nSQLite format 3");
    }

    @Test
    void connectionsOverTheServersCapAreClosedWhoeverOpensThem() throws Exception {
        // Given a node that holds 2 connections, and 2 clients holding one each
        server = node().maxConnections(2).start();
        RawConnection first = connect("127.0.0.2");
        connect("127.0.0.3");

        // When a third client connects, Then it is closed unanswered
        RawConnection third = connect("127.0.0.4");
        await().atMost(BOUND).until(third::closedByServer);
        assertThat(third.received()).isEmpty();

        // and once a connection ends, the next one is served
        first.close();
        await().atMost(BOUND).until(() -> connect("127.0.0.4").exchange("GET /api/status HTTP/1.1\r\n\r\n", BOUND)
                .startsWith("HTTP/1.1 200 "));
    }

    @Test
    void theDeadlinesAndCapsMustBePositive() {
        NodeProtocolServer.Builder builder = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build());

        assertThatThrownBy(() -> builder.headerTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("headerTimeout must be > 0, but was PT0S");
        assertThatThrownBy(() -> builder.bodyTimeout(Duration.ofSeconds(-1)))
                .hasMessage("bodyTimeout must be > 0, but was PT-1S");
        assertThatThrownBy(() -> builder.maxConnectionsPerClient(0))
                .hasMessage("maxConnectionsPerClient must be > 0, but was 0");
        assertThatThrownBy(() -> builder.maxConnections(-3)).hasMessage("maxConnections must be > 0, but was -3");
        assertThatThrownBy(() -> builder.headerTimeout(null)).isInstanceOf(NullPointerException.class);
    }

    private NodeProtocolServer.Builder node() {
        return NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .control(action -> {
                    received.add(action);
                    return new ActionResult.Done("done", Map.of());
                })
                .token(() -> TOKEN);
    }

    private RawConnection connect(String source) throws IOException {
        RawConnection connection = RawConnection.open(source, server.port());
        connections.add(connection);
        return connection;
    }
}
