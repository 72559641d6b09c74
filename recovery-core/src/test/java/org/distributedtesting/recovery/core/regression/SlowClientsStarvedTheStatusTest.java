package org.distributedtesting.recovery.core.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.core.http.RawConnection;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;
import org.distributedtesting.recovery.core.http.server.NodeProtocolServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NodeProtocolServer} had 8 worker threads, and the JDK server it was built on read each request's headers
 * and body on them: 8 connections that never finished their headers, or trickled a body without a token, held
 * every worker, {@code GET /api/status} waited behind them past the daemon's probe timeout, and the daemon took
 * the node for partitioned. Slow control handlers did the same. Each test plays its clients on real loopback
 * sockets; the stalling ones connect from their own addresses of 127.0.0.0/8, as clients on other hosts would.
 */
class SlowClientsStarvedTheStatusTest {

    private static final NodeId NODE = NodeId.of("node-1");
    private static final String TOKEN = "slow-clients-token";
    /** Twice the workers the old server had. */
    private static final int STALLED = 16;
    private static final int TRICKLING = 4;
    /** The daemon's default {@code probe_timeout}: a status answer later than this makes the node unreachable. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration TRICKLE_PERIOD = Duration.ofMillis(50);
    /** A deadline short enough for a test, long enough that connections cannot be closed before it by chance. */
    private static final Duration SHORT_DEADLINE = Duration.ofMillis(600);
    /** The bound of every wait for something the server does. */
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final String PARTIAL_HEADERS = "GET /api/status HTTP/1.1\r\nHost: node-1\r\nAccept: app";
    private static final String CONTROL_HEADERS = "POST /api/control/step_down HTTP/1.1\r\nHost: node-1\r\n"
            + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n";

    private final ScheduledExecutorService trickler = Executors.newScheduledThreadPool(2);
    private final List<RawConnection> connections = new ArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger controlCalls = new AtomicInteger();
    private final HttpNodeProbe probe = HttpNodeProbe.builder().build();
    private NodeProtocolServer server;

    @AfterEach
    void closeEverything() throws IOException {
        released.countDown();
        trickler.shutdownNow();
        for (RawConnection connection : connections) {
            connection.close();
        }
        probe.close();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void statusIsAnsweredWhileManyClientsStallInTheirHeadersOrTrickleABodyWithoutAToken() throws Exception {
        // Given a node that accepts control actions
        server = controlledNode().start();

        // When 16 clients send part of their request headers and stall, and 4 more trickle a control body
        // without a token
        for (int i = 0; i < STALLED; i++) {
            connections.add(RawConnection.open(client(i), server.port()).send(PARTIAL_HEADERS));
        }
        for (int i = STALLED; i < STALLED + TRICKLING; i++) {
            RawConnection trickling = RawConnection.open(client(i), server.port()).send(CONTROL_HEADERS);
            trickling.trickle(trickler, ' ', TRICKLE_PERIOD);
            connections.add(trickling);
        }

        // Then the daemon's probe still gets the node's status within its timeout
        assertThat(probe.probe(spec(), PROBE_TIMEOUT).role()).isEqualTo(Role.FOLLOWER);
        assertThat(controlCalls).hasValue(0);
    }

    @Test
    void connectionsThatStallInTheirHeadersAreClosedAtTheHeaderDeadline() throws Exception {
        // Given a node whose clients have 600 ms for their request headers
        server = controlledNode().headerTimeout(SHORT_DEADLINE).start();

        // When clients send part of their headers and stall, or trickle header bytes that never end the headers
        long connecting = System.nanoTime();
        for (int i = 0; i < STALLED; i++) {
            connections.add(RawConnection.open(client(i), server.port()).send(PARTIAL_HEADERS));
        }
        RawConnection trickling = RawConnection.open(client(STALLED), server.port())
                .send("GET /api/status HTTP/1.1\r\nX-Slow: ");
        Future<?> trickle = trickling.trickle(trickler, 'a', TRICKLE_PERIOD);
        connections.add(trickling);

        // Then none is answered, and each is closed once the deadline has passed, not before
        assertThat(connections).noneMatch(SlowClientsStarvedTheStatusTest::closedByServer);
        await().atMost(BOUND).until(() -> trickle.isDone()
                && connections.stream().allMatch(SlowClientsStarvedTheStatusTest::closedByServer));
        assertThat(Duration.ofNanos(System.nanoTime() - connecting)).isGreaterThanOrEqualTo(SHORT_DEADLINE);
        assertThat(connections).allSatisfy(connection -> assertThat(connection.received()).isEmpty());
    }

    @Test
    void aBodyTrickledWithoutATokenIsRefusedAndItsConnectionClosedAtTheBodyDeadline() throws Exception {
        // Given a node whose clients have 600 ms for a request body
        server = controlledNode().bodyTimeout(SHORT_DEADLINE).start();

        // When a client sends a control request's headers without a token and trickles its body
        RawConnection trickling = RawConnection.open("127.0.0.1", server.port()).send(CONTROL_HEADERS);
        Future<?> trickle = trickling.trickle(trickler, ' ', TRICKLE_PERIOD);
        connections.add(trickling);

        // Then it is refused with 401 at once, its connection closed by the deadline (the trickle's writes fail;
        // the end of the answer alone only ends the node's half), and the host is not called
        await().atMost(BOUND).until(() -> trickling.closedByServer() && trickle.isDone());
        assertThat(trickling.received()).startsWith("HTTP/1.1 401 ");
        assertThat(controlCalls).hasValue(0);
    }

    @Test
    void aBodyTrickledWithTheTokenIsAnswered408AtTheBodyDeadline() throws Exception {
        // Given a node whose clients have 600 ms for a request body
        server = controlledNode().bodyTimeout(SHORT_DEADLINE).start();

        // When a client with the token trickles its body
        RawConnection trickling = RawConnection.open("127.0.0.1", server.port())
                .send(CONTROL_HEADERS.replace("\r\n\r\n", "\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n"));
        Future<?> trickle = trickling.trickle(trickler, ' ', TRICKLE_PERIOD);
        connections.add(trickling);

        // Then the node gives up at the deadline, says why, closes the connection, and the host is not called
        await().atMost(BOUND).until(() -> trickling.closedByServer() && trickle.isDone());
        assertThat(trickling.received()).startsWith("HTTP/1.1 408 ");
        assertThat(controlCalls).hasValue(0);
    }

    @Test
    void connectionsOverAClientsCapAreClosedAndOtherClientsAreServed() throws Exception {
        // Given a node that allows 4 connections per client, and a client holding 4 idle ones
        server = controlledNode().maxConnectionsPerClient(4).start();
        List<RawConnection> admitted = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            admitted.add(RawConnection.open("127.0.0.2", server.port()));
        }
        connections.addAll(admitted);

        // When it opens 3 more
        List<RawConnection> excess = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            excess.add(RawConnection.open("127.0.0.2", server.port()));
        }
        connections.addAll(excess);

        // Then those 3 are closed unanswered, its first 4 are still served, and so is everybody else
        await().atMost(BOUND).until(() -> excess.stream().allMatch(SlowClientsStarvedTheStatusTest::closedByServer));
        assertThat(excess).allSatisfy(connection -> assertThat(connection.received()).isEmpty());
        assertThat(probe.probe(spec(), PROBE_TIMEOUT).role()).isEqualTo(Role.FOLLOWER);
        assertThat(statusAnswerOn(admitted.get(0))).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void aClientGetsItsSlotsBackWhenItsConnectionsEnd() throws Exception {
        // Given a client at its cap of 2 connections
        server = controlledNode().maxConnectionsPerClient(2).start();
        RawConnection first = RawConnection.open("127.0.0.2", server.port());
        RawConnection second = RawConnection.open("127.0.0.2", server.port());
        connections.addAll(List.of(first, second));

        // When it closes one
        first.close();

        // Then, once the node has seen it end, the client is served on a new connection (until then a new one
        // is refused, and may be reset under the client's request)
        await().atMost(BOUND).ignoreException(SocketException.class).until(() -> {
            RawConnection next = RawConnection.open("127.0.0.2", server.port());
            connections.add(next);
            return statusAnswerOn(next).startsWith("HTTP/1.1 200 ");
        });
    }

    @Test
    void statusIsAnsweredWhileControlHandlersAreSlow() throws Exception {
        // Given a node whose control handler blocks until the test ends
        server = controlledNode().start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        // When 8 authorized control requests are in its handler at once
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            answers.add(client.sendAsync(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/api/control/step_down"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .timeout(BOUND).build(), HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(BOUND).until(() -> controlCalls.get() == 8);

        // Then the daemon's probe still gets the node's status within its timeout
        assertThat(probe.probe(spec(), PROBE_TIMEOUT).role()).isEqualTo(Role.FOLLOWER);

        // and the control requests finish once their handler does
        released.countDown();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            assertThat(answer.get(BOUND.toMillis(), TimeUnit.MILLISECONDS).statusCode()).isEqualTo(200);
        }
    }

    private NodeProtocolServer.Builder controlledNode() {
        return NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().role(Role.FOLLOWER).term(3).build())
                .control(action -> {
                    controlCalls.incrementAndGet();
                    released.await();
                    return ActionResult.Done.of("stepped down");
                })
                .token(() -> TOKEN);
    }

    private NodeSpec spec() {
        return NodeSpec.of(NODE.value(), "127.0.0.1", server.port(), Path.of("/tmp"));
    }

    /**
     * Sends {@code GET /api/status} on {@code connection} and returns what the node sent until the end of its
     * answer's headers, or until it closed the connection (nothing, when it refused it).
     */
    private static String statusAnswerOn(RawConnection connection) throws IOException {
        connection.send("GET /api/status HTTP/1.1\r\nHost: node-1\r\n\r\n");
        await().atMost(BOUND).until(() -> closedByServer(connection) || connection.received().contains("\r\n\r\n"));
        return connection.received();
    }

    /** A loopback address of its own for the {@code i}-th client, none of them 127.0.0.1, the probe's. */
    private static String client(int i) {
        return "127.0.0." + (10 + i);
    }

    private static boolean closedByServer(RawConnection connection) {
        try {
            return connection.closedByServer();
        } catch (IOException e) {
            throw new AssertionError("reading from the connection failed", e);
        }
    }
}
