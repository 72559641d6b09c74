package org.distributedtesting.recovery.core.http.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.distributedtesting.recovery.core.http.codec.JsonReads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server of read-only pages, for the daemon's {@code /metrics}, {@code /health} and {@code /ready}: each
 * path answers {@code GET} with what its supplier makes at that moment. It runs on the node
 * protocol server's transport, so a slow or hostile client holds only its own connection, never a scrape or a health
 * check: headers within {@link NodeProtocolServer#DEFAULT_HEADER_TIMEOUT}, at most
 * {@link NodeProtocolServer#DEFAULT_MAX_CONNECTIONS_PER_CLIENT} connections per client address and
 * {@value #MAX_CONNECTIONS} in all. There is no authentication: bind it to loopback or a monitoring network.
 *
 * <p>Thread-safe; each request is answered on its connection's thread, so suppliers must be thread-safe.
 */
public final class MonitoringServer implements AutoCloseable {

    /** How many connections the server holds open at once. */
    public static final int MAX_CONNECTIONS = 32;

    private static final Logger LOG = LoggerFactory.getLogger(MonitoringServer.class);
    private static final int BACKLOG = 32;

    /**
     * One answer of a page.
     *
     * @param status      the HTTP status code
     * @param contentType the {@code Content-Type} header
     * @param body        the body
     */
    public record Page(int status, String contentType, byte[] body) {
        /** @throws NullPointerException if an argument is null */
        public Page {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
        }

        /** A page of UTF-8 text. */
        public static Page text(int status, String contentType, String body) {
            return new Page(status, contentType, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final ServerSocket listening;
    private final Acceptor acceptor;
    private final Map<String, Supplier<Page>> pages;

    private MonitoringServer(InetSocketAddress address, Map<String, Supplier<Page>> pages) throws IOException {
        this.pages = Map.copyOf(pages);
        this.listening = new ServerSocket();
        try {
            listening.bind(address, BACKLOG);
        } catch (IOException e) {
            listening.close();
            throw e;
        }
        Clock clock = new MonotonicClock();
        ServerName name = new ServerName("The monitoring endpoint", "monitoring-http");
        ConnectionLimits limits = new ConnectionLimits(NodeProtocolServer.DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
                MAX_CONNECTIONS);
        Duration header = NodeProtocolServer.DEFAULT_HEADER_TIMEOUT;
        Duration body = NodeProtocolServer.DEFAULT_BODY_TIMEOUT;
        this.acceptor = new Acceptor(listening, limits, (socket, accepted) -> new HttpConnection(socket, accepted,
                header, body, this::handle, clock, name), clock, name);
        LOG.info("Monitoring endpoint listening on {}: {}", listening.getLocalSocketAddress(), this.pages.keySet()
                .stream().sorted().toList());
    }

    /**
     * Starts a server on {@code address} (port 0 picks a free one) answering the given pages.
     *
     * @param pages each path, such as {@code /metrics}, with what makes its page
     * @throws IOException if the address cannot be bound
     */
    public static MonitoringServer start(InetSocketAddress address, Map<String, Supplier<Page>> pages)
            throws IOException {
        Objects.requireNonNull(address, "address");
        Map<String, Supplier<Page>> copy = new LinkedHashMap<>();
        pages.forEach((path, page) -> {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("a page's path starts with '/', but was '" + path + "'");
            }
            copy.put(path, Objects.requireNonNull(page, path));
        });
        return new MonitoringServer(address, copy);
    }

    /** The port the server listens on. */
    public int port() {
        return listening.getLocalPort();
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listening.getLocalSocketAddress();
    }

    /** Stops accepting, ends requests in flight and stops the threads. */
    @Override
    public void close() {
        acceptor.close();
    }

    private void handle(Exchange exchange) throws IOException {
        Supplier<Page> page = pages.get(exchange.path());
        if (page == null) {
            Exchanges.error(exchange, 404, "no such page: " + JsonReads.shorten(exchange.path()) + "; this server has "
                    + pages.keySet().stream().sorted().toList());
            return;
        }
        if (!"GET".equals(exchange.method())) {
            Exchanges.methodNotAllowed(exchange, "GET");
            return;
        }
        Page answer;
        try {
            answer = page.get();
        } catch (RuntimeException e) {
            LOG.warn("The monitoring page {} could not be made", exchange.path(), e);
            Exchanges.error(exchange, 500, exchange.path() + " is unavailable: " + e.getClass().getSimpleName());
            return;
        }
        exchange.setResponseHeader("Content-Type", answer.contentType());
        exchange.setResponseHeader("Cache-Control", "no-store");
        exchange.respond(answer.status(), answer.body());
    }
}
