package org.distributedtesting.recovery.core.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.distributedtesting.recovery.core.http.StatusServer.utf8;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.http.StatusServer;
import org.distributedtesting.recovery.core.probe.ProbeRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HttpNodeProbe#probeAsync} against real loopback servers: it returns before the node answers, and its
 * future ends by the deadline, or at the size limit, whatever the node does.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpNodeProbeAsyncTest {

    private static final Duration DEADLINE = Duration.ofMillis(1000);
    /** Slack over the deadline a probe may take; these tests run on a real socket on a shared machine. */
    private static final Duration SLACK = Duration.ofMillis(500);
    /** How long starting a probe may take: it must not wait for the node. */
    private static final Duration START = Duration.ofMillis(300);
    /** For probeAsync without a token, which must not need the caller's executor. */
    private static final Executor NO_THREADS = task -> {
        throw new AssertionError("HttpNodeProbe ran a task on the caller's executor");
    };

    private final HttpNodeProbe probe = HttpNodeProbe.builder().build();
    private final List<StatusServer> servers = new ArrayList<>();

    @AfterEach
    void stopServersAndProbe() {
        servers.forEach(StatusServer::close);
        probe.close();
    }

    private StatusServer serve(StatusServer server) {
        servers.add(server);
        return server;
    }

    @Test
    void answersFromManyNodesHeldAtOnceWithoutBlockingTheCaller() throws Exception {
        // Given 20 nodes that each hold their answer until every one of them has been asked
        int count = 20;
        CountDownLatch allAsked = new CountDownLatch(count);
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String id = "node-" + i;
            StatusServer server = serve(StatusServer.start(exchange -> {
                allAsked.countDown();
                try {
                    allAsked.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("handler interrupted", e);
                }
                StatusServer.respond(exchange, 200, utf8("{\"node_id\":\"" + id + "\",\"term\":5}"));
            }));
            nodes.add(server.node(id));
        }

        // When every node is probed asynchronously from this one thread
        long start = System.nanoTime();
        List<CompletableFuture<NodeStatus>> answers = new ArrayList<>();
        for (NodeSpec node : nodes) {
            answers.add(probe.probeAsync(node, Duration.ofSeconds(5), NO_THREADS));
        }
        Duration started = Duration.ofNanos(System.nanoTime() - start);

        // Then starting them did not wait for any node, and every node answers once all were asked
        assertThat(started).isLessThan(START.multipliedBy(2));
        for (CompletableFuture<NodeStatus> answer : answers) {
            assertThat(answer.get(5, TimeUnit.SECONDS).term()).isEqualTo(5);
        }
    }

    @Test
    void aNodeThatNeverAnswersFailsTheFutureAtTheDeadline() throws Exception {
        // Given a node that accepts the request and never answers
        StatusServer server = serve(StatusServer.start(exchange -> servers.get(0).awaitRelease()));

        // When it is probed asynchronously
        long start = System.nanoTime();
        CompletableFuture<NodeStatus> answer = probe.probeAsync(server.node("node-1"), DEADLINE, NO_THREADS);
        Duration started = Duration.ofNanos(System.nanoTime() - start);
        Throwable failure = failureOf(answer);
        Duration ended = Duration.ofNanos(System.nanoTime() - start);

        // Then the call returned at once, and the future failed by the deadline
        assertThat(started).isLessThan(START);
        assertThat(failure).isInstanceOf(IOException.class).hasMessage("timed out after 1000 ms");
        assertThat(ended).isGreaterThanOrEqualTo(DEADLINE).isLessThan(DEADLINE.plus(SLACK));
    }

    @Test
    void aBodyThatTricklesForeverFailsTheFutureAtTheDeadline() throws Exception {
        // Given a node that sends its headers, then one byte of body every 100 ms without end
        StatusServer server = serve(StatusServer.start(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            // the node's pace, not a wait for the test: it stops when the test releases it
            while (!servers.get(0).releasedWithin(Duration.ofMillis(100))) {
                out.write(' ');
                out.flush();
            }
        }));

        // When it is probed asynchronously
        long start = System.nanoTime();
        Throwable failure = failureOf(probe.probeAsync(server.node("node-1"), DEADLINE, NO_THREADS));
        Duration ended = Duration.ofNanos(System.nanoTime() - start);

        // Then the future fails by the deadline
        assertThat(failure).isInstanceOf(IOException.class).hasMessage("timed out after 1000 ms");
        assertThat(ended).isLessThan(DEADLINE.plus(SLACK));
    }

    @Test
    void anOversizeAnswerFailsAtTheLimitWithoutBeingReadToItsEnd() throws Exception {
        // Given a probe limited to 64 KiB, and a node that streams a 100 MB status
        long hundredMegabytes = 100L * 1024 * 1024;
        CompletableFuture<Long> bytesSent = new CompletableFuture<>();
        StatusServer server = serve(StatusServer.start(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            long sent = 0;
            byte[] padding = new byte[64 * 1024];
            Arrays.fill(padding, (byte) 'a');
            try (OutputStream out = exchange.getResponseBody()) {
                while (sent < hundredMegabytes) {
                    out.write(padding);
                    sent += padding.length;
                }
            } catch (IOException expectedOnceTheClientHangsUp) {
                bytesSent.complete(sent);
                throw expectedOnceTheClientHangsUp;
            }
            bytesSent.complete(sent);
        }));
        Duration deadline = Duration.ofSeconds(5);

        try (HttpNodeProbe limited = HttpNodeProbe.builder().maxResponseBytes(64 * 1024).build()) {
            // When it is probed asynchronously
            long start = System.nanoTime();
            Throwable failure = failureOf(limited.probeAsync(server.node("node-1"), deadline, NO_THREADS));
            Duration ended = Duration.ofNanos(System.nanoTime() - start);

            // Then the future fails at the limit, well before the deadline, and the node could not send it all
            assertThat(failure).isInstanceOf(ProtocolException.class).hasMessage("response exceeds 65536 bytes");
            assertThat(ended).isLessThan(deadline);
            assertThat(bytesSent.get(5, TimeUnit.SECONDS)).isLessThan(hundredMegabytes);
        }
    }

    @Test
    void anErrorStatusFailsNamingTheStatusCode() throws Exception {
        // Given a node that answers 503
        StatusServer server = serve(StatusServer.answering(503, utf8("{\"error\":\"starting\"}")));

        // When it is probed asynchronously, Then the failure names the status
        assertThat(failureOf(probe.probeAsync(server.node("node-1"), DEADLINE, NO_THREADS)))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("node answered HTTP 503 to GET /api/status");
    }

    @Test
    void cancellingAProbeOnAnAlternativeAddressGoesBackToThePrimary() throws Exception {
        // Given a node reached at its alternative address, which never answers
        StatusServer alternative = serve(StatusServer.start(exchange -> servers.get(0).awaitRelease()));
        String address = "127.0.0.1:" + alternative.node("node-1").port();
        NodeSpec node = new NodeSpec(NodeId.of("node-1"), "127.0.0.1", 1, Path.of("/srv/node-1"), List.of(address),
                List.of());
        NodeRoutes routes = new NodeRoutes();
        routes.use(node, address);
        try (HttpNodeProbe routed = HttpNodeProbe.builder().routes(routes).build()) {
            CompletableFuture<NodeStatus> answer = routed.probeAsync(node, Duration.ofSeconds(5), NO_THREADS);

            // When its caller gives up on the probe
            answer.cancel(true);

            // Then the node is reached at its primary address again
            assertThat(answer).isCancelled();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> routes.alternativeInUse(node.id()).isEmpty());
        }
    }

    @Test
    void readsTheTokenOnTheGivenExecutorAndSendsIt() throws Exception {
        // Given a node that records the Authorization header, and a token source that notes its thread
        CompletableFuture<String> authorization = new CompletableFuture<>();
        StatusServer server = serve(StatusServer.start(exchange -> {
            authorization.complete(exchange.getRequestHeaders().getFirst("Authorization"));
            StatusServer.respond(exchange, 200, utf8("{\"node_id\":\"node-1\",\"term\":6}"));
        }));
        CompletableFuture<Thread> readOn = new CompletableFuture<>();
        ExecutorService lookups = Executors.newSingleThreadExecutor();
        try (HttpNodeProbe tokened = HttpNodeProbe.builder().token(() -> {
            readOn.complete(Thread.currentThread());
            return "s3cret";
        }).build()) {
            // When the node is probed asynchronously
            CompletableFuture<NodeStatus> answer = tokened.probeAsync(server.node("node-1"), DEADLINE, lookups);

            // Then the token was read on the executor, not the caller's thread, and sent with the request
            assertThat(answer.get(5, TimeUnit.SECONDS).term()).isEqualTo(6);
            assertThat(readOn.get(5, TimeUnit.SECONDS)).isNotSameAs(Thread.currentThread());
            assertThat(authorization.get(5, TimeUnit.SECONDS)).isEqualTo("Bearer s3cret");
        } finally {
            lookups.shutdownNow();
        }
    }

    @Test
    void theEnginesProbeStageOverHttpNodesEndsByOneDeadline() throws Exception {
        // Given two healthy nodes and one that never answers, probed by the engine's probe stage
        StatusServer hung = serve(StatusServer.start(exchange -> servers.get(0).awaitRelease()));
        StatusServer one = serve(StatusServer.answering(200, utf8("{\"node_id\":\"node-1\",\"term\":4}")));
        StatusServer three = serve(StatusServer.answering(200, utf8("{\"node_id\":\"node-3\",\"term\":4}")));
        List<NodeSpec> nodes = List.of(one.node("node-1"), hung.node("node-2"), three.node("node-3"));
        ProbeRunner runner = new ProbeRunner(probe, null, Clock.systemUTC(), NO_THREADS, DEADLINE);

        // When they are probed
        long start = System.nanoTime();
        Map<NodeId, NodeObservation> observed = runner.probeAll(nodes);
        Duration ended = Duration.ofNanos(System.nanoTime() - start);

        // Then the healthy nodes are reachable, the hung one unreachable, all within one deadline
        assertThat(observed.get(NodeId.of("node-1"))).isInstanceOf(NodeObservation.Reachable.class);
        assertThat(observed.get(NodeId.of("node-3"))).isInstanceOf(NodeObservation.Reachable.class);
        assertThat(observed.get(NodeId.of("node-2"))).isInstanceOf(NodeObservation.Unreachable.class);
        assertThat(ended).isLessThan(DEADLINE.plus(SLACK));
    }

    /** Waits (bounded) for {@code future} to fail; its failure as a blocking caller would see it. */
    private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return ProbeRunner.unwrap(e.getCause());
        }
        throw new AssertionError("the probe succeeded: " + future.join());
    }
}
