package org.distributedtesting.recovery.core.http.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.core.http.ControlRequest;
import org.distributedtesting.recovery.core.http.codec.ActionJson;
import org.distributedtesting.recovery.core.http.codec.FencingEpoch;
import org.distributedtesting.recovery.core.http.codec.JsonReads;
import org.distributedtesting.recovery.core.http.codec.StatusJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small embeddable server that exposes a host's node over the HTTP node protocol ({@code docs/node-protocol.md}),
 * so the daemon can watch and control any JVM coordinator. Its own minimal HTTP/1.1 over {@code java.net}
 * sockets; no dependency. It binds the loopback address unless told otherwise.
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
 * <p><b>Fencing.</b> When several recovery daemons watch one cluster, the active one sends its epoch, a number that
 * grows with every change of the active daemon, as {@value #EPOCH_HEADER} on every {@code POST} control request.
 * The server remembers the highest epoch it has accepted, and refuses a control request with a lower one with 409
 * ({@code {"error":"stale fencing epoch 3: ...","fenced_epoch":5,"request_epoch":3}}) without calling the host, so
 * that a daemon that lost its lease and still acts cannot undo what its successor did. An equal or higher epoch is
 * accepted, a higher one stored first. A request without the header is accepted only as long as the node was never
 * fenced, so a single daemon without coordination works as before; once fenced, it is refused with 409 too. A
 * header that is not one positive decimal number is answered 400. The epoch is checked after the token and after
 * the body was read and found to be a request for this node, so a refused or malformed request never raises it.
 * The database copy is not fenced: other nodes fetch it, it changes nothing here. {@code POST /api/control/fence}
 * (header required, token as for control requests) raises the epoch and does nothing else: a daemon that becomes
 * active sends it to every node before it acts; a server without a host control answers it too. Keep the epoch
 * across restarts with {@link Builder#fencingFile(Path)}; without it the server keeps it in memory and warns once
 * when first fenced.
 *
 * <p><b>Checking the token.</b> {@code POST /api/control/ping} (token as for control requests) changes nothing and is
 * not fenced: the server answers it itself, {@code {"outcome":"done","detail":"control token accepted"}} when the
 * token matches and 401 otherwise, also without a host control. The daemon sends it to every node at its start and
 * reports a node that refuses its token. A node the daemon starts (config {@code nodes[].command}) finds the token
 * in its environment variable {@code RECOVERY_CONTROL_TOKEN}; pass
 * {@code () -> System.getenv("RECOVERY_CONTROL_TOKEN")} to {@link Builder#token(Supplier)}.
 *
 * <p>Slow or hostile clients cannot starve the status: every admitted connection is served on a thread of its own,
 * so a read request never waits behind another request, and a control handler that blocks holds only its own
 * connection. A connection carries one request and is closed after its answer. Its request line and headers must
 * arrive within {@link Builder#headerTimeout(Duration)} of its acceptance (or it is closed unanswered), its body
 * within {@link Builder#bodyTimeout(Duration)} of the end of the headers (or it is answered 408), however the
 * client spaces its bytes. A client address holds at most {@link Builder#maxConnectionsPerClient(int)}
 * connections, and the server at most {@link Builder#maxConnections(int)}; a connection over either cap is closed
 * at once.
 *
 * <p>Thread-safe; the suppliers and the host's control are called from the server's threads, several at once, and
 * must be thread-safe too. {@link #close()} stops the server and its threads.
 */
public final class NodeProtocolServer implements AutoCloseable {

    /** The largest control request body accepted: 64 KiB. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;

    /** How long a client has for its request line and headers, from its connection's acceptance: 5 s. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(5);

    /** How long a client has for its request body, from the end of its headers: 10 s. */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(10);

    /** How many connections one client address may hold open at once: 16. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 16;

    /** How many connections the server holds open at once, each with its thread: 128. */
    public static final int DEFAULT_MAX_CONNECTIONS = 128;

    /** The request header that carries the recovery daemon's fencing epoch, a positive decimal number. */
    public static final String EPOCH_HEADER = FencingEpoch.HEADER;

    private static final Logger LOG = LoggerFactory.getLogger(NodeProtocolServer.class);
    /** Connections the system may queue before this server accepts them. */
    private static final int BACKLOG = 64;

    private final ServerSocket listening;
    private final Acceptor acceptor;
    private final NodeId node;
    private final Supplier<NodeStatus> status;
    private final ControlEndpoint control;
    private final EpochFence fence;

    private NodeProtocolServer(Builder b) throws IOException {
        this.node = b.node;
        this.status = b.status;
        // read before binding: a node whose fencing file is corrupt must not serve at all
        this.fence = b.fencingFile == null ? EpochFence.inMemory(b.node) : EpochFence.durable(b.node, b.fencingFile);
        this.control = new ControlEndpoint(b.node, b.control, b.token, b.databaseCopy, fence);
        ConnectionLimits limits = new ConnectionLimits(b.maxConnectionsPerClient, b.maxConnections);
        Duration headerTimeout = b.headerTimeout;
        Duration bodyTimeout = b.bodyTimeout;
        Clock clock = new MonotonicClock();
        this.listening = new ServerSocket();
        try {
            listening.bind(new InetSocketAddress(b.address, b.port), BACKLOG);
        } catch (IOException e) {
            listening.close();
            throw e;
        }
        ServerName name = new ServerName("Node '" + node + "'", "node-protocol-" + node);
        this.acceptor = new Acceptor(listening, limits, (socket, accepted) -> new HttpConnection(socket, accepted,
                headerTimeout, bodyTimeout, this::handle, clock, name), clock, name);
        LOG.info("Node protocol of '{}' listening on {}{}", node, listening.getLocalSocketAddress(),
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
        return listening.getLocalPort();
    }

    /**
     * The highest fencing epoch a control request has carried (or the fencing file held at start); 0 when the node
     * was never fenced.
     */
    public long fencingEpoch() {
        return fence.highest();
    }

    /** Stops accepting requests, ends requests in flight (closing their connections), and stops the threads. */
    @Override
    public void close() {
        acceptor.close();
    }

    private void handle(Exchange exchange) throws IOException {
        String path = exchange.path();
        String method = exchange.method();
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
        } else if (ActionJson.FENCE.equals(path)) {
            if ("POST".equals(method)) {
                control.fence(exchange);
            } else {
                Exchanges.methodNotAllowed(exchange, "POST");
            }
        } else if (ActionJson.PING.equals(path)) {
            if ("POST".equals(method)) {
                control.ping(exchange);
            } else {
                Exchanges.methodNotAllowed(exchange, "POST");
            }
        } else if (ActionJson.DATABASE_COPY.equals(path) && control.servesDatabaseCopy()) {
            if ("GET".equals(method)) {
                control.databaseCopy(exchange);
            } else {
                Exchanges.methodNotAllowed(exchange, "GET");
            }
        } else {
            Exchanges.error(exchange, 404, "no such endpoint: " + JsonReads.shorten(path));
        }
    }

    private void read(Exchange exchange, String path) throws IOException {
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
        private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        private Duration bodyTimeout = DEFAULT_BODY_TIMEOUT;
        private int maxConnectionsPerClient = DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Path fencingFile;

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
         * control request. A node the recovery daemon starts (config {@code nodes[].command}) finds the daemon's
         * token in its environment: {@code token(() -> System.getenv("RECOVERY_CONTROL_TOKEN"))}. Without this
         * call no request needs a token.
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
         * How long a client has to send its request line and headers, counted from the acceptance of its
         * connection; 5 s by default. A connection that misses it is closed
         * without an answer, however the client spaced its bytes.
         *
         * @throws NullPointerException     if {@code headerTimeout} is null
         * @throws IllegalArgumentException if {@code headerTimeout} is not positive
         */
        public Builder headerTimeout(Duration headerTimeout) {
            this.headerTimeout = positive(headerTimeout, "headerTimeout");
            return this;
        }

        /**
         * How long a client has to send its request body, counted from the end of its headers; 10 s by default.
         * A request that misses it is answered 408 and its connection closed, and the host is not called. A
         * control request without the right token is answered 401 before its body is read; its connection is
         * closed when the client has closed its end, or at this deadline.
         *
         * @throws NullPointerException     if {@code bodyTimeout} is null
         * @throws IllegalArgumentException if {@code bodyTimeout} is not positive
         */
        public Builder bodyTimeout(Duration bodyTimeout) {
            this.bodyTimeout = positive(bodyTimeout, "bodyTimeout");
            return this;
        }

        /**
         * How many connections one client address may hold open at once;
         * {@value NodeProtocolServer#DEFAULT_MAX_CONNECTIONS_PER_CLIENT} by default. A connection over the cap is
         * closed at once, unanswered. All clients on one host share its address, so leave room for the daemon's
         * probes and actions and the database copies other nodes on that host fetch.
         *
         * @throws IllegalArgumentException if {@code maxConnectionsPerClient} is not positive
         */
        public Builder maxConnectionsPerClient(int maxConnectionsPerClient) {
            this.maxConnectionsPerClient = positive(maxConnectionsPerClient, "maxConnectionsPerClient");
            return this;
        }

        /**
         * How many connections the server holds open at once, of all clients, each served on a thread of its own;
         * {@value NodeProtocolServer#DEFAULT_MAX_CONNECTIONS} by default. A connection over the cap is closed at
         * once, unanswered.
         *
         * @throws IllegalArgumentException if {@code maxConnections} is not positive
         */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = positive(maxConnections, "maxConnections");
            return this;
        }

        /**
         * Keeps the highest fencing epoch in {@code file}, so that the node stays fenced across restarts: without
         * it, a restarted node would accept the requests of a daemon that lost its lease long ago. The file holds
         * one decimal number and a line break. A higher epoch is written to it atomically (a temporary file beside
         * it, forced to disk, renamed over it) before the request that carried it is handled; a request whose
         * epoch cannot be stored is answered 500 and not handled. Put it in the node's own state directory, where
         * a repair of its data does not move it. Without this option the epoch is kept in memory only, and the
         * server warns once, when it is first fenced.
         *
         * @throws NullPointerException if {@code file} is null
         */
        public Builder fencingFile(Path file) {
            this.fencingFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Starts the server.
         *
         * @throws IllegalStateException if a control or a database copy is set without a token
         * @throws IOException           if the address cannot be bound, or the {@link #fencingFile(Path) fencing
         *                               file} cannot be read or does not hold an epoch (the message says what
         *                               to do)
         */
        public NodeProtocolServer start() throws IOException {
            if ((control != null || databaseCopy != null) && token == null) {
                throw new IllegalStateException("a token is required when control or databaseCopy is set:"
                        + " control endpoints must not be open to anyone who can connect");
            }
            return new NodeProtocolServer(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0, but was " + value);
            }
            return value;
        }

        private static int positive(int value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be > 0, but was " + value);
            }
            return value;
        }
    }
}
