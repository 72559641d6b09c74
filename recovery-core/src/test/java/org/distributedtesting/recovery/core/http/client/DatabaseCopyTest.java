package org.distributedtesting.recovery.core.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.distributedtesting.recovery.core.http.StatusServer.utf8;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.http.RawRequests;
import org.distributedtesting.recovery.core.http.StatusServer;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.distributedtesting.recovery.core.http.server.NodeProtocolServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/control/database_copy} and {@link DatabaseDownload#download}. */
@Timeout(value = 15, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DatabaseCopyTest {

    private static final NodeId NODE = NodeId.of("node-2");
    private static final String TOKEN = "copy-token-1618";
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private NodeProtocolServer server;
    private StatusServer rawServer;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (rawServer != null) {
            rawServer.close();
        }
    }

    @Test
    void downloadsTheHealthyNodesDatabaseInPlaceOfTheTarget() throws Exception {
        // Given a healthy node serving a 1 MiB database, and a corrupt database at the target
        byte[] database = new byte[1 << 20];
        new Random(7).nextBytes(database);
        start(() -> new ByteArrayInputStream(database));
        Path target = Files.writeString(dir.resolve("state.db"), "corrupt");

        // When the copy is downloaded
        long size = DatabaseDownload.download(address(), () -> TOKEN, target, DEADLINE);

        // Then the target is the healthy database, and nothing else is left behind
        assertThat(size).isEqualTo(database.length);
        assertThat(Files.readAllBytes(target)).isEqualTo(database);
        assertThat(dir.toFile().list()).containsExactly("state.db");
    }

    @Test
    void aWrongTokenIsRefusedAndTheTargetIsUntouched() throws Exception {
        // Given a node whose copy supplier counts its calls
        AtomicInteger opened = new AtomicInteger();
        start(() -> {
            opened.incrementAndGet();
            return new ByteArrayInputStream(new byte[10]);
        });
        Path target = Files.writeString(dir.resolve("state.db"), "old");

        // When the copy is asked for with another token
        Throwable failure = catchThrowable(() -> DatabaseDownload.download(address(), () -> "wrong",
                target, DEADLINE));

        // Then it is refused before any copy is made, and the target stays as it was
        assertThat(failure).isInstanceOf(ProtocolException.class).hasMessageStartingWith("node answered HTTP 401");
        assertThat(opened).hasValue(0);
        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(dir.toFile().list()).containsExactly("state.db");
    }

    @Test
    void aCopyThatBreaksOffHalfWayIsAFailureNotAShortDatabase() throws Exception {
        // Given a node whose copy fails after 100 KiB, as a disk error would
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk read error");
            }
        };
        start(() -> new SequenceInputStream(new ByteArrayInputStream(new byte[100 * 1024]), failing));
        Path target = Files.writeString(dir.resolve("state.db"), "old");

        // When the copy is downloaded
        Throwable failure = catchThrowable(() -> DatabaseDownload.download(address(), () -> TOKEN, target,
                DEADLINE));

        // Then the download fails and the target stays as it was
        assertThat(failure).isInstanceOf(IOException.class);
        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(dir.toFile().list()).containsExactly("state.db");
    }

    @Test
    void aCopyOverTheLimitIsRefused() throws Exception {
        start(() -> new ByteArrayInputStream(new byte[4096]));
        Path target = dir.resolve("state.db");

        Throwable failure = catchThrowable(() -> DatabaseDownload.download(address(), () -> TOKEN, target,
                DEADLINE, 4095));

        assertThat(failure).isInstanceOf(ProtocolException.class).hasMessage("database copy exceeds 4095 bytes");
        assertThat(target).doesNotExist();
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void aCopyThatTricklesFailsByTheDeadline() throws Exception {
        // Given a node that sends its copy one byte every 100 ms, without end
        rawServer = StatusServer.start(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            // the node's pace, not a wait for the test: it stops when the test releases it
            while (!rawServer.releasedWithin(Duration.ofMillis(100))) {
                out.write('x');
                out.flush();
            }
        });
        Path target = dir.resolve("state.db");

        // When the copy is downloaded with a 1 s deadline
        long start = System.nanoTime();
        Throwable failure = catchThrowable(() -> DatabaseDownload.download(
                "127.0.0.1:" + rawServer.node("node-2").port(), () -> TOKEN, target, Duration.ofSeconds(1)));

        // Then it fails by then, leaving nothing behind
        assertThat(failure).isInstanceOf(IOException.class).hasMessage("timed out after 1000 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void aNodeWithoutADatabaseCopyAnswers404() throws Exception {
        server = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build()).start();

        Throwable failure = catchThrowable(() -> DatabaseDownload.download(address(), () -> TOKEN,
                dir.resolve("state.db"), DEADLINE));

        assertThat(failure).isInstanceOf(ProtocolException.class)
                .hasMessage("node answered HTTP 404: no such endpoint: /api/control/database_copy");
    }

    @Test
    void aCopyIsOnlyServedToGet() throws Exception {
        start(() -> new ByteArrayInputStream(utf8("db")));

        assertThat(new RawRequests(server.port()).post("/api/control/database_copy", "{}", TOKEN).statusCode())
                .isEqualTo(405);
    }

    @Test
    void anAddressThatIsNotHostAndPortIsAProgrammerError() {
        Throwable failure = catchThrowable(() -> DatabaseDownload.download("node-2", () -> TOKEN,
                dir.resolve("state.db"), DEADLINE));

        assertThat(failure).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hostPort must be host:port, for example 127.0.0.1:8081, but was 'node-2'");
    }

    private void start(Supplier<InputStream> copy) throws IOException {
        server = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .token(() -> TOKEN).databaseCopy(copy).start();
    }

    private String address() {
        return "127.0.0.1:" + server.port();
    }
}
