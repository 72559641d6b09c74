package org.distributedtesting.recovery.core.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.distributedtesting.recovery.core.http.StatusServer.respond;
import static org.distributedtesting.recovery.core.http.StatusServer.utf8;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Operation;
import org.distributedtesting.recovery.Resources;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.http.StatusServer;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;
import org.distributedtesting.recovery.core.http.codec.StatusJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/*
 * The separate-thread timeout turns a probe that ignores its deadline (blocked in a read that no interrupt ends)
 * into a failure instead of a hung build.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpNodeProbeTest {

    private static final Duration DEADLINE = Duration.ofMillis(1000);
    /** Slack over the deadline a probe may take; these tests run on a real socket on a shared machine. */
    private static final Duration SLACK = Duration.ofMillis(500);

    private final HttpNodeProbe probe = HttpNodeProbe.builder().build();
    private StatusServer server;

    @AfterEach
    void stopServerAndProbe() {
        if (server != null) {
            server.close();
        }
        probe.close();
    }

    @Test
    void returnsStatusReportedByHealthyNode() throws Exception {
        // Given a node that reports a full status
        NodeStatus reported = NodeStatus.builder()
                .role(Role.FOLLOWER).term(3).leader(NodeId.of("node-2"))
                .commitIndex(10).appliedIndex(10).lastLogIndex(10)
                .stateChecksum(new StateChecksum("9f2c", 10))
                .resources(new Resources(0.12, 1000, 4000, 10, 100, 12, 1024))
                .operations(List.of(new Operation("op-1", "apply", Instant.parse("2026-11-26T06:39:15Z"))))
                .queueDepth(0).database(IntegrityCheck.OK).log(IntegrityCheck.failed("checksum mismatch at 42"))
                .peerReachability(Map.of(NodeId.of("node-2"), true, NodeId.of("node-3"), false))
                .electionsStarted(2)
                .build();
        server = StatusServer.answering(200, StatusJson.write(NodeId.of("node-1"), reported));

        // When it is probed
        NodeStatus status = probe.probe(server.node("node-1"), DEADLINE);

        // Then the probe returns what it reported
        assertThat(status).isEqualTo(reported);
    }

    @Test
    void rejectsAnswerFromAnotherNode() throws Exception {
        // Given the port configured for node-1 is served by node-9
        server = StatusServer.answering(200, utf8("{\"node_id\":\"node-9\",\"role\":\"leader\",\"term\":4}"));

        // When node-1 is probed, Then the answer does not pass as node-1's
        assertThatThrownBy(() -> probe.probe(server.node("node-1"), DEADLINE))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("answered as node 'node-9', expected 'node-1'");
    }

    @Test
    void rejectsServerErrorNamingTheStatusCode() throws Exception {
        // Given a node that answers 500
        server = StatusServer.answering(500, utf8("{\"error\":\"database locked\"}"));

        // When it is probed, Then the failure names the status code
        assertThatThrownBy(() -> probe.probe(server.node("node-1"), DEADLINE))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("node answered HTTP 500 to GET /api/status");
    }

    @Test
    void rejectsGarbageBodyAsProtocolError() throws Exception {
        // Given a node that answers 200 with HTML
        server = StatusServer.answering(200, utf8("<html>It works!</html>"));

        // When it is probed, Then the answer is a protocol error
        assertThatThrownBy(() -> probe.probe(server.node("node-1"), DEADLINE))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("response is not valid JSON at line 1, column 1");
    }

    @Test
    void rejectsHundredMegabyteBodyWithinDeadlineWithoutReadingItAll() throws Exception {
        // Given a node that streams a 100 MB (otherwise valid) status in chunks
        long hundredMegabytes = 100L * 1024 * 1024;
        CompletableFuture<Long> bytesSent = new CompletableFuture<>();
        server = StatusServer.start(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            long sent = 0;
            byte[] padding = new byte[64 * 1024];
            Arrays.fill(padding, (byte) 'a');
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] head = utf8("{\"node_id\":\"node-1\",\"padding\":\"");
                out.write(head);
                sent += head.length;
                while (sent < hundredMegabytes) {
                    out.write(padding);
                    sent += padding.length;
                }
                out.write(utf8("\"}"));
            } catch (IOException expectedOnceTheClientHangsUp) {
                bytesSent.complete(sent);
                throw expectedOnceTheClientHangsUp;
            }
            bytesSent.complete(sent);
        });
        Duration deadline = Duration.ofSeconds(5);

        // When it is probed
        long start = System.nanoTime();
        Throwable failure = catchThrowable(() -> probe.probe(server.node("node-1"), deadline));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        // Then the probe gives up after the limit, within the deadline, and the node could not send it all
        assertThat(failure).isInstanceOf(ProtocolException.class).hasMessage("response exceeds 1048576 bytes");
        assertThat(elapsed).isLessThan(deadline);
        assertThat(bytesSent.get(10, TimeUnit.SECONDS)).isLessThan(hundredMegabytes);
    }

    @Test
    void acceptsBodyOfExactlyTheConfiguredLimit() throws Exception {
        // Given a probe limited to the size of the node's answer
        byte[] answer = utf8("{\"node_id\":\"node-1\",\"term\":7}");
        server = StatusServer.answering(200, answer);
        try (HttpNodeProbe limited = HttpNodeProbe.builder().maxResponseBytes(answer.length).build()) {
            // When the node is probed, Then the answer passes
            assertThat(limited.probe(server.node("node-1"), DEADLINE).term()).isEqualTo(7);
        }
    }

    @Test
    void rejectsBodyOneByteOverTheConfiguredLimit() throws Exception {
        // Given a probe limited to one byte less than the node's answer
        byte[] answer = utf8("{\"node_id\":\"node-1\",\"term\":7} ");
        server = StatusServer.answering(200, answer);
        try (HttpNodeProbe limited = HttpNodeProbe.builder().maxResponseBytes(answer.length - 1).build()) {
            // When the node is probed, Then the answer is refused
            assertThatThrownBy(() -> limited.probe(server.node("node-1"), DEADLINE))
                    .isInstanceOf(ProtocolException.class)
                    .hasMessage("response exceeds " + (answer.length - 1) + " bytes");
        }
    }

    @Test
    void failsWithinDeadlineWhenNodeNeverResponds() throws Exception {
        // Given a node that accepts the request and never answers
        server = StatusServer.start(exchange -> awaitRelease(server));

        // When it is probed
        long start = System.nanoTime();
        Throwable failure = catchThrowable(() -> probe.probe(server.node("node-1"), DEADLINE));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        // Then the probe times out by the deadline
        assertThat(failure).isInstanceOf(IOException.class).hasMessage("timed out after 1000 ms");
        assertThat(elapsed).isLessThan(DEADLINE.plus(SLACK));
    }

    @Test
    void failsWithinDeadlineWhenNodeSendsHeadersButNoBody() throws Exception {
        // Given a node that sends 200 and its headers, then nothing
        server = StatusServer.start(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().flush();
            awaitRelease(server);
        });

        // When it is probed
        long start = System.nanoTime();
        Throwable failure = catchThrowable(() -> probe.probe(server.node("node-1"), DEADLINE));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        // Then the blocked body read is ended at the deadline
        assertThat(failure).isInstanceOf(IOException.class).hasMessage("timed out after 1000 ms");
        assertThat(elapsed).isLessThan(DEADLINE.plus(SLACK));
    }

    @Test
    void failsWithinDeadlineWhenBodyTricklesForever() throws Exception {
        // Given a node that sends its body one byte every 100 ms, without end
        server = StatusServer.start(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            // the node's pace, not a wait for the test: it stops when the test releases it
            while (!releasedWithin(server, Duration.ofMillis(100))) {
                out.write(' ');
                out.flush();
            }
        });

        // When it is probed
        long start = System.nanoTime();
        Throwable failure = catchThrowable(() -> probe.probe(server.node("node-1"), DEADLINE));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        // Then the probe gives up at the deadline
        assertThat(failure).isInstanceOf(IOException.class).hasMessage("timed out after 1000 ms");
        assertThat(elapsed).isLessThan(DEADLINE.plus(SLACK));
    }

    @Test
    void failsFastWithShortMessageWhenConnectionIsRefused() throws Exception {
        // Given a port nobody listens on any more
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        NodeSpec node = NodeSpec.of("node-1", "127.0.0.1", port, Path.of("/srv/node-1"));
        Duration deadline = Duration.ofSeconds(5);

        // When it is probed
        long start = System.nanoTime();
        Throwable failure = catchThrowable(() -> probe.probe(node, deadline));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        // Then it fails at once, saying why
        assertThat(failure).isInstanceOf(java.net.ConnectException.class).hasMessage("connection refused");
        assertThat(elapsed).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void failsOnUnknownHostNamingTheHost() {
        // Given a node whose host name does not resolve
        NodeSpec node = NodeSpec.of("node-1", "no-such-host.invalid", 8080, Path.of("/srv/node-1"));

        // When it is probed, Then the failure names the host
        assertThatThrownBy(() -> probe.probe(node, Duration.ofSeconds(5)))
                .isInstanceOf(IOException.class)
                .hasMessage("unknown host 'no-such-host.invalid'");
    }

    @Test
    void rejectsDeadlineThatIsNotPositive() {
        NodeSpec node = NodeSpec.of("node-1", "127.0.0.1", 8080, Path.of("/srv/node-1"));

        assertThatThrownBy(() -> probe.probe(node, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("deadline must be > 0, but was PT0S");
    }

    @Test
    void refusesToProbeAfterClose() throws Exception {
        // Given a closed probe
        server = StatusServer.answering(200, utf8("{}"));
        HttpNodeProbe closed = HttpNodeProbe.builder().build();
        assertThat(closed.probe(server.node("node-1"), DEADLINE).role()).isEqualTo(Role.UNKNOWN);
        closed.close();

        // When it is used again, Then it says so
        assertThatThrownBy(() -> closed.probe(server.node("node-1"), DEADLINE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HttpNodeProbe is closed");
    }

    @Test
    void closeEndsTheThreadsItStarted() throws Exception {
        // Given a probe that has probed a node, and so started its threads
        server = StatusServer.answering(200, utf8("{}"));
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        HttpNodeProbe own = HttpNodeProbe.builder().build();
        own.probe(server.node("node-1"), DEADLINE);
        List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.getName().startsWith("http-probe-"))
                .toList();
        assertThat(started).isNotEmpty().allMatch(Thread::isDaemon);

        // When it is closed
        own.close();

        // Then those threads end
        await().atMost(Duration.ofSeconds(5)).until(() -> started.stream().noneMatch(Thread::isAlive));
    }

    @Test
    void builderRejectsLimitsOutOfRange() {
        assertThatThrownBy(() -> HttpNodeProbe.builder().maxResponseBytes(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxResponseBytes must be in 1..1073741824, but was 0");
        assertThatThrownBy(() -> HttpNodeProbe.builder().connectTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connectTimeout must be > 0, but was PT-1S");
    }

    private static void awaitRelease(StatusServer server) throws IOException {
        try {
            server.released().await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("handler interrupted", e);
        }
    }

    private static boolean releasedWithin(StatusServer server, Duration wait) throws IOException {
        try {
            return server.released().await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("handler interrupted", e);
        }
    }
}
