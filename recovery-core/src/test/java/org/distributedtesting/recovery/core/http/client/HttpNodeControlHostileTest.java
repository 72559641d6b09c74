package org.distributedtesting.recovery.core.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.distributedtesting.recovery.core.http.StatusServer.respond;
import static org.distributedtesting.recovery.core.http.StatusServer.utf8;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.core.http.StatusServer;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/*
 * A node that misbehaves never holds the daemon past the request's deadline, and never gets the token into a
 * result. The separate-thread timeout turns a control that ignores its deadline into a failure, not a hung build.
 */
@Timeout(value = 15, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpNodeControlHostileTest {

    private static final Duration DEADLINE = Duration.ofMillis(1000);
    /** Slack over the deadline a request may take; these tests run on a real socket on a shared machine. */
    private static final Duration SLACK = Duration.ofMillis(500);
    private static final String TOKEN = "hostile-test-token-271828";
    private static final NodeId NODE = NodeId.of("node-1");
    private static final Action STEP_DOWN = new Action.StepDown(NODE, Optional.empty());

    private StatusServer server;
    private HttpNodeControl control;

    @AfterEach
    void stop() {
        if (control != null) {
            control.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aNodeThatNeverAnswersFailsTheActionByTheDeadline() throws Exception {
        server = StatusServer.start(exchange -> server.awaitRelease());

        Timed timed = execute(STEP_DOWN);

        assertThat(timed.result).isEqualTo(new ActionResult.Failed(
                "POST /api/control/step_down failed: timed out after 1000 ms"));
        assertThat(timed.elapsed).isLessThan(DEADLINE.plus(SLACK));
    }

    @Test
    void aNodeThatSendsHeadersButNoBodyFailsTheActionByTheDeadline() throws Exception {
        server = StatusServer.start(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().flush();
            server.awaitRelease();
        });

        Timed timed = execute(STEP_DOWN);

        assertThat(timed.result.detail()).endsWith("timed out after 1000 ms");
        assertThat(timed.elapsed).isLessThan(DEADLINE.plus(SLACK));
    }

    @Test
    void aNodeThatTricklesItsAnswerFailsTheActionByTheDeadline() throws Exception {
        server = StatusServer.start(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            // the node's pace, not a wait for the test: it stops when the test releases it
            while (!server.releasedWithin(Duration.ofMillis(100))) {
                out.write(' ');
                out.flush();
            }
        });

        Timed timed = execute(STEP_DOWN);

        assertThat(timed.result.detail()).endsWith("timed out after 1000 ms");
        assertThat(timed.elapsed).isLessThan(DEADLINE.plus(SLACK));
    }

    @Test
    void aHundredMegabyteAnswerFailsTheActionWithoutBeingReadWhole() throws Exception {
        long hundredMegabytes = 100L * 1024 * 1024;
        CompletableFuture<Long> bytesSent = new CompletableFuture<>();
        server = StatusServer.start(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            long sent = 0;
            byte[] padding = new byte[64 * 1024];
            Arrays.fill(padding, (byte) 'a');
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(utf8("{\"outcome\":\"done\",\"detail\":\""));
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

        Timed timed = execute(STEP_DOWN, Duration.ofSeconds(5));

        assertThat(timed.result).isEqualTo(new ActionResult.Failed(
                "POST /api/control/step_down failed: response exceeds 65536 bytes"));
        assertThat(timed.elapsed).isLessThan(Duration.ofSeconds(5));
        assertThat(bytesSent.get(10, TimeUnit.SECONDS)).isLessThan(hundredMegabytes);
    }

    @Test
    void garbageInsteadOfAnAnswerFailsTheAction() throws Exception {
        server = StatusServer.answering(200, utf8("<html>It works!</html>"));

        assertThat(execute(STEP_DOWN).result).isEqualTo(new ActionResult.Failed(
                "POST /api/control/step_down failed: response is not valid JSON at line 1, column 1"));
    }

    @Test
    void anAnswerOutsideTheProtocolFailsTheActionNamingTheMember() throws Exception {
        server = StatusServer.answering(200, utf8("{\"outcome\":\"done\",\"data\":[1]}"));

        assertThat(execute(STEP_DOWN).result).isEqualTo(new ActionResult.Failed(
                "POST /api/control/step_down failed: data must be an object, but was [1]"));
    }

    @Test
    void aRefusedConnectionFailsTheActionAtOnce() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        control = controlFor(port, Duration.ofSeconds(5));

        long start = System.nanoTime();
        ActionResult result = control.execute(STEP_DOWN);

        assertThat(result).isEqualTo(new ActionResult.Failed("POST /api/control/step_down failed: connection refused"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aTokenTheNodeEchoesInItsAnswerIsRedacted() throws Exception {
        // Given a node that echoes the Authorization header in its detail and its data
        server = StatusServer.start(exchange -> {
            String echoed = exchange.getRequestHeaders().getFirst("Authorization");
            respond(exchange, 200, utf8("{\"outcome\":\"done\",\"detail\":\"you sent " + echoed
                    + "\",\"data\":{\"" + echoed + "\":[\"" + echoed + "\"]}}"));
        });

        // When an action is sent
        ActionResult result = execute(STEP_DOWN).result;

        // Then the result, which the engine journals, does not carry the token
        assertThat(result).isEqualTo(new ActionResult.Done("you sent Bearer [redacted]",
                Map.of("Bearer [redacted]", List.of("Bearer [redacted]"))));
    }

    @Test
    void aTokenTheNodeEchoesInAnErrorIsWithheld() throws Exception {
        server = StatusServer.start(exchange -> respond(exchange, 400, utf8("{\"error\":\"bad header "
                + exchange.getRequestHeaders().getFirst("Authorization") + "\"}")));

        ActionResult result = execute(STEP_DOWN).result;

        assertThat(result).isEqualTo(new ActionResult.Failed("POST /api/control/step_down failed: node answered"
                + " HTTP 400 (its error message quotes the bearer token and is withheld)"));
    }

    @Test
    void aTokenTheNodeEchoesInAMalformedAnswerIsWithheld() throws Exception {
        // Given a token longer than the value excerpts in protocol errors, echoed where a string is wrong
        server = StatusServer.start(exchange -> respond(exchange, 200, utf8("{\"outcome\":\""
                + exchange.getRequestHeaders().getFirst("Authorization") + "\"}")));

        ActionResult result = execute(STEP_DOWN).result;

        assertThat(result.detail()).endsWith("(details withheld: the response quotes the bearer token)")
                .doesNotContain(TOKEN.substring(0, 10));
    }

    private Timed execute(Action action) throws InterruptedException {
        return execute(action, DEADLINE);
    }

    private Timed execute(Action action, Duration deadline) throws InterruptedException {
        control = controlFor(server.node("node-1").port(), deadline);
        long start = System.nanoTime();
        ActionResult result = control.execute(action);
        return new Timed(result, Duration.ofNanos(System.nanoTime() - start));
    }

    private static HttpNodeControl controlFor(int port, Duration deadline) {
        return HttpNodeControl.builder()
                .nodes(List.of(NodeSpec.of("node-1", "127.0.0.1", port, Path.of("/srv/node-1"))))
                .token(() -> TOKEN).deadline(deadline).build();
    }

    private record Timed(ActionResult result, Duration elapsed) {
    }
}
