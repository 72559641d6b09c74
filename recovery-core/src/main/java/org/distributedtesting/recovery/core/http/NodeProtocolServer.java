package org.distributedtesting.recovery.core.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small embeddable server that exposes a host's node over the HTTP node protocol, so the daemon can watch any
 * JVM coordinator: {@code GET /api/status} answers with the host's current {@link NodeStatus}. It binds the
 * loopback address unless told otherwise. Built on the JDK's {@code com.sun.net.httpserver}; no dependency.
 *
 * <p>Thread-safe; the status supplier is called from the server's threads and must be thread-safe too.
 * {@link #close()} stops the server and its threads.
 */
public final class NodeProtocolServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeProtocolServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final NodeId node;
    private final Supplier<NodeStatus> status;

    private NodeProtocolServer(Builder b) throws IOException {
        this.node = b.node;
        this.status = b.status;
        this.server = HttpServer.create(new InetSocketAddress(b.address, b.port), 64);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "node-protocol-" + node + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(HttpNodeProbe.STATUS_PATH, this::status);
        server.start();
        LOG.info("node protocol of '{}' listening on {}", node, server.getAddress());
    }

    /** A builder for the node's server. */
    public static Builder builder(NodeId node, Supplier<NodeStatus> status) {
        return new Builder(node, status);
    }

    private void status(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, "{\"error\": \"use GET\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] body;
            try {
                body = StatusJson.write(node, Objects.requireNonNull(status.get(), "status supplier returned null"));
            } catch (RuntimeException e) {
                LOG.warn("status of '{}' could not be produced", node, e);
                respond(exchange, 500, "{\"error\": \"status unavailable\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            respond(exchange, 200, body);
        }
    }

    private static void respond(HttpExchange exchange, int code, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The port the server listens on (useful when built with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops accepting requests, ends requests in flight, and stops the threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Builds a {@link NodeProtocolServer}. Not thread-safe. */
    public static final class Builder {
        private final NodeId node;
        private final Supplier<NodeStatus> status;
        private InetAddress address = InetAddress.getLoopbackAddress();
        private int port;

        private Builder(NodeId node, Supplier<NodeStatus> status) {
            this.node = Objects.requireNonNull(node, "node");
            this.status = Objects.requireNonNull(status, "status");
        }

        /** The address to bind; loopback by default. Binding another address exposes the node to the network. */
        public Builder address(InetAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * The port; 0 (the default) picks a free one.
         *
         * @throws IllegalArgumentException if outside 0..65535
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be in 0..65535, but was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Starts the server.
         *
         * @throws IOException if the address cannot be bound
         */
        public NodeProtocolServer start() throws IOException {
            return new NodeProtocolServer(this);
        }
    }
}
