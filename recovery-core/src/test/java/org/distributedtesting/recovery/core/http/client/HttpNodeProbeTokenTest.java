package org.distributedtesting.recovery.core.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.distributedtesting.recovery.core.http.StatusServer.respond;
import static org.distributedtesting.recovery.core.http.StatusServer.utf8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.http.StatusServer;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpNodeProbeTokenTest {

    private static final Duration DEADLINE = Duration.ofSeconds(2);
    private static final String TOKEN = "s3cret-token-4711";

    private final List<Optional<String>> authorizations = new CopyOnWriteArrayList<>();
    private StatusServer server;
    private ServerSocket rawServer;

    @AfterEach
    void stopServers() throws IOException {
        if (server != null) {
            server.close();
        }
        if (rawServer != null) {
            rawServer.close();
        }
    }

    @Test
    void sendsBearerTokenWhenConfigured() throws Exception {
        // Given a node that records the Authorization header
        server = recordingServer("{\"node_id\":\"node-1\"}");

        // When a probe with a token asks it
        try (HttpNodeProbe probe = HttpNodeProbe.builder().token(() -> TOKEN).build()) {
            probe.probe(server.node("node-1"), DEADLINE);
        }

        // Then the token was sent as a bearer token
        assertThat(authorizations).containsExactly(Optional.of("Bearer " + TOKEN));
    }

    @Test
    void dropsWhitespaceAroundTokenAsReadFromAFile() throws Exception {
        // Given a token that ends in a line break, as read from a secrets file
        server = recordingServer("{\"node_id\":\"node-1\"}");

        // When a probe with that token asks a node
        try (HttpNodeProbe probe = HttpNodeProbe.builder().token(() -> TOKEN + "\n").build()) {
            probe.probe(server.node("node-1"), DEADLINE);
        }

        // Then the token was sent without the line break
        assertThat(authorizations).containsExactly(Optional.of("Bearer " + TOKEN));
    }

    @Test
    void sendsNoAuthorizationHeaderWithoutToken() throws Exception {
        // Given a node that records the Authorization header
        server = recordingServer("{\"node_id\":\"node-1\"}");

        // When a probe without a token asks it
        try (HttpNodeProbe probe = HttpNodeProbe.builder().build()) {
            probe.probe(server.node("node-1"), DEADLINE);
        }

        // Then no Authorization header was sent
        assertThat(authorizations).containsExactly(Optional.empty());
    }

    @Test
    void aTokenThatCannotBeHadNeverStopsAProbeSinceStatusNeedsNone() throws Exception {
        // Given a token file that went missing, then held two lines, then a token with a DEL character
        server = recordingServer("{\"node_id\":\"node-1\",\"term\":4}");
        List<Supplier<String>> broken = List.of(
                () -> {
                    throw new IllegalStateException("control_token_file /run/token: no such file");
                },
                () -> {
                    throw new IllegalStateException("control_token_file /run/token holds 2 lines, one was expected");
                },
                () -> "tok\u007fen");

        // When each is the probe's token source
        for (Supplier<String> token : broken) {
            try (HttpNodeProbe probe = HttpNodeProbe.builder().token(token).build()) {
                // Then the node still answers its status, asked without a token
                assertThat(probe.probe(server.node("node-1"), DEADLINE).term()).isEqualTo(4);
            }
        }
        assertThat(authorizations).containsExactly(Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void asksTheTokenSupplierOnEveryProbeSoTokensCanRotate() throws Exception {
        // Given a token source that hands out a new token each time
        server = recordingServer("{\"node_id\":\"node-1\"}");
        AtomicInteger generation = new AtomicInteger();

        // When a node is probed twice
        try (HttpNodeProbe probe = HttpNodeProbe.builder()
                .token(() -> "token-" + generation.incrementAndGet()).build()) {
            probe.probe(server.node("node-1"), DEADLINE);
            probe.probe(server.node("node-1"), DEADLINE);
        }

        // Then each request carried the token current at the time
        assertThat(authorizations).containsExactly(Optional.of("Bearer token-1"), Optional.of("Bearer token-2"));
    }

    @Test
    void keepsTokenOutOfMessagesWhenNodeRefusesIt() throws Exception {
        // Given a node that rejects the token
        server = StatusServer.answering(401, utf8("{\"error\":\"bad token\"}"));

        // When it is probed
        Throwable failure = probeWithToken(TOKEN);

        // Then the failure names the status and not the token
        assertThat(failure).isInstanceOf(ProtocolException.class)
                .hasMessage("node answered HTTP 401 to GET /api/status");
        assertThat(messagesOf(failure)).noneMatch(message -> message.contains(TOKEN));
    }

    @Test
    void withholdsDetailsWhenNodeEchoesTokenInAField() throws Exception {
        // Given a node that echoes the Authorization header as its role
        server = StatusServer.start(exchange -> respond(exchange, 200, utf8("{\"role\":\""
                + exchange.getRequestHeaders().getFirst("Authorization") + "\"}")));

        // When it is probed
        Throwable failure = probeWithToken(TOKEN);

        // Then the protocol error does not quote the token
        assertThat(failure).isInstanceOf(ProtocolException.class)
                .hasMessage("response is not a valid status answer"
                        + " (details withheld: the response quotes the bearer token)");
        assertThat(messagesOf(failure)).noneMatch(message -> message.contains(TOKEN));
    }

    @Test
    void withholdsEvenAPrefixOfALongEchoedToken() throws Exception {
        // Given a token longer than the value excerpts in protocol errors, echoed as the node id
        String longToken = "0123456789abcdef".repeat(4);
        server = StatusServer.start(exchange -> respond(exchange, 200, utf8("{\"node_id\":\""
                + exchange.getRequestHeaders().getFirst("Authorization") + "\"}")));

        // When it is probed
        Throwable failure = probeWithToken(longToken);

        // Then not even the token's first 16 characters appear
        assertThat(failure).isInstanceOf(ProtocolException.class);
        assertThat(messagesOf(failure)).noneMatch(message -> message.contains(longToken.substring(0, 16)));
    }

    @Test
    void redactsTokenThatNodeEchoesInItsStatusLine() throws Exception {
        // Given a raw socket server that answers with the request's Authorization line as its status line
        rawServer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(this::echoAuthorizationAsStatusLine, "raw-echo-server");
        thread.setDaemon(true);
        thread.start();
        NodeSpec node = NodeSpec.of("node-1", "127.0.0.1", rawServer.getLocalPort(), Path.of("/srv/node-1"));

        // When it is probed
        Throwable failure;
        try (HttpNodeProbe probe = HttpNodeProbe.builder().token(() -> TOKEN).build()) {
            failure = catchThrowable(() -> probe.probe(node, DEADLINE));
        }

        // Then the transport error is reported with the token replaced
        assertThat(failure).isInstanceOf(IOException.class).hasMessageContaining("[redacted]");
        assertThat(messagesOf(failure)).noneMatch(message -> message.contains(TOKEN));
    }

    @Test
    void aTokenThatIsNotAHeaderValueIsNeverSentAndTheStatusIsStillRead() throws Exception {
        // Given a token with a line break and a header after it, as a mangled secrets file can produce
        server = recordingServer("{\"node_id\":\"node-1\",\"term\":2}");
        String broken = TOKEN + "\r\nX-Injected: 1";

        // When a probe asks a node with it
        try (HttpNodeProbe probe = HttpNodeProbe.builder().token(() -> broken).build()) {
            // Then the status is read, and neither the token nor the injected header was sent
            assertThat(probe.probe(server.node("node-1"), DEADLINE).term()).isEqualTo(2);
        }
        assertThat(authorizations).containsExactly(Optional.empty());
    }

    @Test
    void builderRejectsNullTokenSupplier() {
        assertThatThrownBy(() -> HttpNodeProbe.builder().token(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("token");
    }

    private StatusServer recordingServer(String body) throws IOException {
        return StatusServer.start(exchange -> {
            authorizations.add(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")));
            respond(exchange, 200, utf8(body));
        });
    }

    private Throwable probeWithToken(String token) {
        try (HttpNodeProbe probe = HttpNodeProbe.builder().token(() -> token).build()) {
            return catchThrowable(() -> probe.probe(server.node("node-1"), DEADLINE));
        }
    }

    /** Every message and string form in the failure's cause chain and suppressed exceptions. */
    private static List<String> messagesOf(Throwable failure) {
        List<String> messages = new ArrayList<>();
        collect(failure, messages, 0);
        return messages;
    }

    private static void collect(Throwable t, List<String> messages, int depth) {
        if (t == null || depth > 16) {
            return;
        }
        messages.add(String.valueOf(t.getMessage()));
        messages.add(t.toString());
        for (Throwable suppressed : t.getSuppressed()) {
            collect(suppressed, messages, depth + 1);
        }
        collect(t.getCause(), messages, depth + 1);
    }

    private void echoAuthorizationAsStatusLine() {
        try (Socket socket = rawServer.accept()) {
            InputStream in = socket.getInputStream();
            StringBuilder request = new StringBuilder();
            while (!request.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                request.append((char) b);
            }
            String authorization = request.toString().lines()
                    .filter(line -> line.regionMatches(true, 0, "Authorization:", 0, 14))
                    .findFirst().orElse("none");
            OutputStream out = socket.getOutputStream();
            out.write(utf8("HTTQ/1.1 " + authorization + "\r\n\r\n"));
            out.flush();
        } catch (IOException e) {
            // the test fails on the probe's side if this server cannot answer; the socket closes with the test
            throw new IllegalStateException("raw echo server failed", e);
        }
    }
}
