package org.distributedtesting.recovery.core.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.distributedtesting.recovery.core.http.RawConnection;
import org.distributedtesting.recovery.core.http.server.MonitoringServer.Page;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The daemon's monitoring endpoint over real loopback sockets. */
class MonitoringServerTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final List<AutoCloseable> open = new ArrayList<>();
    private MonitoringServer server;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void eachPathAnswersWhatItsSupplierMakesAtThatMoment() throws Exception {
        AtomicInteger scrapes = new AtomicInteger();
        server = start(Map.of("/metrics", () -> Page.text(200, "text/plain; version=0.0.4; charset=utf-8",
                "up " + scrapes.incrementAndGet() + "\n"), "/health", () -> Page.text(503, "application/json",
                "{\"status\":\"stalled\"}")));

        String first = get("/metrics");
        String second = get("/metrics");
        String health = get("/health");

        assertThat(first).startsWith("HTTP/1.1 200 ").contains("\r\nContent-Type: text/plain; version=0.0.4;"
                + " charset=utf-8\r\n").contains("\r\nCache-Control: no-store\r\n").endsWith("\r\n\r\nup 1\n");
        assertThat(second).endsWith("\r\n\r\nup 2\n");
        assertThat(health).startsWith("HTTP/1.1 503 ").endsWith("{\"status\":\"stalled\"}");
    }

    @Test
    void anUnknownPathIsNotFoundAndAnotherMethodNotAllowed() throws Exception {
        server = start(Map.of("/ready", () -> Page.text(200, "application/json", "{}")));

        assertThat(get("/metricz")).startsWith("HTTP/1.1 404 ").contains("no such page: /metricz; this server has"
                + " [/ready]");
        String post = connect().exchange("POST /ready HTTP/1.1\r\nHost: m\r\nContent-Length: 0\r\n\r\n", BOUND);
        assertThat(post).startsWith("HTTP/1.1 405 ").contains("\r\nAllow: GET\r\n");
    }

    @Test
    void aPageThatFailsIsAServerErrorNotADeadConnection() throws Exception {
        server = start(Map.of("/metrics", () -> {
            throw new IllegalStateException("registry closed");
        }));

        assertThat(get("/metrics")).startsWith("HTTP/1.1 500 ").contains("/metrics is unavailable:"
                + " IllegalStateException");
    }

    @Test
    void aClientThatNeverSendsItsRequestDoesNotHoldUpAScrape() throws Exception {
        server = start(Map.of("/metrics", () -> Page.text(200, "text/plain", "up 1\n")));
        for (int i = 0; i < 10; i++) {
            Socket idle = new Socket("127.0.0.1", server.port()); // connects, sends nothing
            open.add(idle);
        }

        assertThat(get("/metrics")).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void aPathMustStartWithASlashAndABusyPortIsAnError() throws Exception {
        assertThatThrownBy(() -> start(Map.of("metrics", () -> Page.text(200, "text/plain", ""))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("starts with '/'");
        server = start(Map.of("/ready", () -> Page.text(200, "application/json", "{}")));
        int taken = server.port();
        assertThatThrownBy(() -> MonitoringServer.start(new InetSocketAddress("127.0.0.1", taken), Map.of()))
                .isInstanceOf(IOException.class);
    }

    private static MonitoringServer start(Map<String, java.util.function.Supplier<Page>> pages) throws IOException {
        return MonitoringServer.start(new InetSocketAddress("127.0.0.1", 0), pages);
    }

    private String get(String path) throws IOException {
        return connect().exchange("GET " + path + " HTTP/1.1\r\nHost: m\r\n\r\n", BOUND);
    }

    private RawConnection connect() throws IOException {
        RawConnection connection = RawConnection.open("127.0.0.1", server.port());
        open.add(connection);
        return connection;
    }
}
