package org.distributedtesting.recovery.core.http.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.core.http.ControlRequest;
import org.distributedtesting.recovery.core.http.codec.ActionJson;
import org.distributedtesting.recovery.core.http.codec.JsonReads;
import org.distributedtesting.recovery.core.http.codec.StatusJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small embeddable server that exposes a host's node over the HTTP node protocol ({@code docs/node-protocol.md}),
 * so the daemon can watch and control any JVM coordinator. Built on the JDK's {@code com.sun.net.httpserver}; no
 * dependency. It binds the loopback address unless told otherwise.
 *
 * <ul>
 *   <li>{@code GET /api/status} answers with the host's current {@link NodeStatus} ({@link StatusJson}), and
 *       {@code GET /api/health/db}, {@code log}, {@code state_checksum}, {@code operations} and {@code resources}
 *       with parts of it. These need no token.</li>
 *   <li>{@code POST /api/control/...} (and the seed's {@code /api/health/cancel_operations},
 *       {@code cleanup_resources}, {@code trigger_sync}) each become one {@link org.distributedtesting.recovery.Action}
 *       for the host's control, and {@code GET /api/control/database_copy} streams a copy of its database. These
 *       require {@code Authorization: Bearer <token>}: without it, or with another token, the answer is 401 and
 *       the host is not called.</li>
 *   <li>A malformed control request is answered 400 naming the member, one meant for another node (its
 *       {@code node_id}) 409, a body over {@value #MAX_REQUEST_BYTES} bytes 413, a wrong method 405, an unknown
 *       path 404.</li>
 * </ul>
 * Neither the token nor the {@code Authorization} header is ever logged.
 *
 * <p>Thread-safe; the suppliers and the host's control are called from the server's threads and must be
 * thread-safe too. {@link #close()} stops the server and its threads.
 */
public final class NodeProtocolServer implements AutoCloseable {

    /** The largest control request body accepted: 64 KiB. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;

    /** How many requests are served at once; more wait for a thread. */
    static final int THREADS = 8;

    private static final Logger LOG = LoggerFactory.getLogger(NodeProtocolServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final NodeId node;
    private final Supplier<NodeStatus> status;
    private final ControlEndpoint control;

    private NodeProtocolServer(Builder b) throws IOException {
        this.node = b.node;
        this.status = b.status;
        this.control = new ControlEndpoint(b.node, b.control, b.token, b.databaseCopy);
        this.server = HttpServer.create(new InetSocketAddress(b.address, b.port), 64);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "node-protocol-" + node + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        // one context for every path: the JDK matches contexts by prefix, and the protocol's paths are exact
        server.createContext("/", this::handle);
        server.start();
        LOG.info("Node protocol of '{}' listening on {}{}", node, server.getAddress(),
                b.control == null ? " (no control actions)" : "");
    }

    /**
     * A builder for the node's server.
     *
     * @param node   the node the host runs, the {@code node_id} of every answer
     * @param status the host's current status, asked on every read request
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(NodeId node, Supplier<NodeStatus> status) {
        return new Builder(node, status);
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

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (ActionJson.DATABASE_COPY.equals(path) && control.servesDatabaseCopy() && "GET".equals(method)) {
            control.databaseCopy(exchange);
            return;
        }
        try (exchange) {
            if (ActionJson.STATUS.equals(path) || HealthViews.PATHS.contains(path)) {
                if ("GET".equals(method)) {
                    read(exchange, path);
                } else {
                    Exchanges.methodNotAllowed(exchange, "GET");
                }
            } else if (ActionJson.PATHS.contains(path)) {
                if ("POST".equals(method)) {
                    control.control(exchange, path);
                } else {
                    Exchanges.methodNotAllowed(exchange, "POST");
                }
            } else if (ActionJson.DATABASE_COPY.equals(path) && control.servesDatabaseCopy()) {
                Exchanges.methodNotAllowed(exchange, "GET");
            } else {
                Exchanges.error(exchange, 404, "no such endpoint: " + JsonReads.shorten(path));
            }
        }
    }

    private void read(HttpExchange exchange, String path) throws IOException {
        ObjectNode full;
        try {
            full = StatusJson.tree(node, Objects.requireNonNull(status.get(), "status supplier returned null"));
        } catch (RuntimeException e) {
            LOG.warn("Status of '{}' could not be produced", node, e);
            Exchanges.error(exchange, 500, "status unavailable");
            return;
        }
        Exchanges.json(exchange, 200, ActionJson.STATUS.equals(path) ? full : HealthViews.view(path, full));
    }

    /**
     * Builds a {@link NodeProtocolServer}. Not thread-safe; {@link #start()} copies its state, so a builder can
     * start several servers.
     */
    public static final class Builder {
        private final NodeId node;
        private final Supplier<NodeStatus> status;
        private InetAddress address = InetAddress.getLoopbackAddress();
        private int port;
        private ControlRequest.Handler control;
        private Supplier<String> token;
        private Supplier<InputStream> databaseCopy;

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
         * The host's control, which carries out the actions of authorized control requests. Without one, every
         * control endpoint answers {@code {"outcome":"failed","detail":"this node accepts no control actions"}}.
         * Requires a {@link #token}.
         *
         * @throws NullPointerException if {@code hostControl} is null
         */
        public Builder control(NodeControl hostControl) {
            Objects.requireNonNull(hostControl, "hostControl");
            this.control = request -> hostControl.execute(request.action());
            return this;
        }

        /**
         * As {@link #control(NodeControl)}, for a host that also wants the source node's address of
         * {@code trigger_sync} and {@code restore} requests. The last of the two calls wins.
         *
         * @throws NullPointerException if {@code handler} is null
         */
        public Builder controlHandler(ControlRequest.Handler handler) {
            this.control = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * The token control requests must present as {@code Authorization: Bearer <token>}, asked for on every
         * request so that it can rotate; surrounding whitespace is dropped. A null or blank token refuses every
         * control request.
         *
         * @throws NullPointerException if {@code token} is null
         */
        public Builder token(Supplier<String> token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /**
         * Serves {@code GET /api/control/database_copy} (token required) with a consistent copy of the node's
         * database, opened once per request and closed after it is sent. Without it the path answers 404.
         * Requires a {@link #token}.
         *
         * @throws NullPointerException if {@code copy} is null
         */
        public Builder databaseCopy(Supplier<InputStream> copy) {
            this.databaseCopy = Objects.requireNonNull(copy, "copy");
            return this;
        }

        /**
         * Starts the server.
         *
         * @throws IllegalStateException if a control or a database copy is set without a token
         * @throws IOException           if the address cannot be bound
         */
        public NodeProtocolServer start() throws IOException {
            if ((control != null || databaseCopy != null) && token == null) {
                throw new IllegalStateException("a token is required when control or databaseCopy is set:"
                        + " control endpoints must not be open to anyone who can connect");
            }
            return new NodeProtocolServer(this);
        }
    }
}
