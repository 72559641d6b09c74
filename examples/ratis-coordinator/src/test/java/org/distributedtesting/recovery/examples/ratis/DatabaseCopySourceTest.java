package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.NodeSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The protocol download against a stand-in for a node's {@code database_copy} endpoint. */
class DatabaseCopySourceTest {

    private static final byte[] COPY = "SQLite format 3\0 and the rest".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private HttpServer node;
    private NodeSpec source;

    @BeforeEach
    void aNodeServingItsDatabaseToTheRightToken() throws IOException {
        node = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        node.createContext(DatabaseCopySource.DATABASE_COPY_PATH, exchange -> {
            boolean authorized = "Bearer s3cret".equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = authorized ? COPY : "{\"error\":\"unauthorized\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(authorized ? 200 : 401, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        node.start();
        source = new NodeSpec(org.distributedtesting.recovery.NodeId.of("node-1"), "127.0.0.1",
                node.getAddress().getPort(), dir.resolve("node-1"), List.of(), List.of());
    }

    @AfterEach
    void stop() {
        node.stop(0);
    }

    @Test
    void downloadsTheCopyWithTheControlToken() throws Exception {
        Path target = dir.resolve("copy.db");

        DatabaseCopySource.overProtocol(() -> "s3cret", Duration.ofSeconds(5)).copy(source, target);

        assertThat(target).hasBinaryContent(COPY);
    }

    @Test
    void aRejectedTokenFailsWithoutNamingIt() {
        assertThatThrownBy(() -> DatabaseCopySource.overProtocol(() -> "wrong", Duration.ofSeconds(5))
                .copy(source, dir.resolve("copy.db")))
                .isInstanceOf(IOException.class).hasMessage("database copy from 'node-1' answered HTTP 401")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void aNodeThatDoesNotListenFailsWithItsAddress() throws Exception {
        NodeSpec gone = NodeSpec.of("node-2", "127.0.0.1", NodeCluster.freePort(), dir);

        assertThatThrownBy(() -> DatabaseCopySource.overProtocol(() -> "s3cret", Duration.ofSeconds(2))
                .copy(gone, dir.resolve("copy.db")))
                .isInstanceOf(IOException.class).hasMessageStartingWith("database copy from 'node-2' at 127.0.0.1:");
    }
}
