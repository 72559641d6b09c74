package org.distributedtesting.recovery.core.http.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionKind;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.http.codec.ActionJson;
import org.distributedtesting.recovery.core.http.codec.BearerToken;
import org.distributedtesting.recovery.core.http.codec.FencingEpoch;
import org.distributedtesting.recovery.core.http.codec.JsonReads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link NodeControl} that asks each node to carry out actions itself, over the HTTP node protocol
 * ({@code docs/node-protocol.md}): every {@link Action} but {@link Action.Start} and {@link Action.Restart} is
 * one {@code POST} with a JSON body to the node's own address, carrying {@code Authorization: Bearer <token>}.
 * Start and restart are a process supervisor's job (a stopped node cannot start itself) and fail here; the engine
 * sends them to its supervisor when it has one.
 *
 * <p>Each request ends within its deadline whatever the node does (as {@link HttpNodeProbe}'s probes do), and
 * reads at most {@link Builder#maxResponseBytes(int)} bytes of answer. Every failure (unreachable, timed out,
 * refused, an answer outside the protocol) becomes an {@link ActionResult.Failed} with a short message. The
 * token never appears in a result, a message or a log line: where a node echoes it back, it is replaced.
 *
 * <p>With an {@link Builder#epoch(LongSupplier) epoch}, every request carries it as {@value #EPOCH_HEADER}, and a
 * node that has accepted a higher one refuses the request with 409: the result is then an
 * {@link ActionResult.Failed} whose detail starts with {@value #STALE_EPOCH} ({@link #refusedAsStale}), so that a
 * daemon can tell that another daemon has taken over from any other failure.
 *
 * <p>One custom action is the monitor's own: {@value NodeRoutes#USE_ALTERNATIVE_ADDRESS} (parameter
 * {@code address}, one of the node's configured alternative addresses) is not sent to the node, which the monitor
 * cannot reach at its primary address; the control asks {@code GET /api/status} at the alternative, and when the
 * node answers there as itself, its {@link NodeRoutes route} switches to it, for probes and actions alike.
 *
 * <p>Thread-safe: one instance controls many nodes at once. It owns an HTTP client and its threads;
 * {@link #close()} stops them.
 */
public final class HttpNodeControl implements NodeControl, AutoCloseable {

    /** How long one request may take when the builder sets nothing else. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

    /** The largest answer read when the builder sets nothing else: 64 KiB. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

    /** The protocol path of a node's database copy; see {@link DatabaseDownload}. */
    public static final String DATABASE_COPY_PATH = ActionJson.DATABASE_COPY;

    /** The path of the authenticated no-op {@link #ping} sends. */
    public static final String PING_PATH = ActionJson.PING;

    /** The result's detail for the process actions no node can carry out on itself. */
    public static final String NEEDS_SUPERVISOR = "start/restart need a process supervisor";

    /** The request header that carries the daemon's fencing epoch; see {@link Builder#epoch(LongSupplier)}. */
    public static final String EPOCH_HEADER = FencingEpoch.HEADER;

    /**
     * How the detail of a result starts when the node refused the request's fencing epoch (or its lack of one)
     * because it has accepted a higher epoch, from a daemon that has taken over since.
     */
    public static final String STALE_EPOCH = "node refused a stale fencing epoch";

    private static final Logger LOG = LoggerFactory.getLogger(HttpNodeControl.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Map<NodeId, NodeSpec> nodes;
    private final Supplier<String> token;
    private final LongSupplier epoch;
    private final Duration deadline;
    private final int maxResponseBytes;
    private final DeadlineClient client;
    private final NodeRoutes routes;

    private HttpNodeControl(Builder builder) {
        Map<NodeId, NodeSpec> byId = new LinkedHashMap<>();
        builder.nodes.forEach(node -> byId.put(node.id(), node));
        this.nodes = Map.copyOf(byId);
        this.token = builder.token;
        this.epoch = builder.epoch;
        this.deadline = builder.deadline;
        this.maxResponseBytes = builder.maxResponseBytes;
        this.routes = builder.routes;
        this.client = new DeadlineClient("http-control-" + INSTANCES.incrementAndGet(), builder.connectTimeout);
    }

    /** A builder with the defaults: 10 s per request, 2 s connect timeout, 64 KiB answers, no token, no epoch. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * False: every data action is a request to the node, and a stopped node's protocol server is gone with it.
     */
    @Override
    public boolean changesDataWhileStopped(NodeId node) {
        return false;
    }

    /**
     * Asks the action's node to carry it out.
     *
     * @return the node's answer, or {@link ActionResult.Failed} saying why there is none
     * @throws IllegalArgumentException if the action's node is not one of this control's nodes
     * @throws IllegalStateException    if this control is closed
     * @throws InterruptedException     if the calling thread is interrupted while waiting for the node
     */
    @Override
    public ActionResult execute(Action action) throws InterruptedException {
        Objects.requireNonNull(action, "action");
        NodeSpec node = openNode(action.node(), "control");
        Action.Custom alternative = action.kind() == ActionKind.CUSTOM
                && NodeRoutes.USE_ALTERNATIVE_ADDRESS.equals(action.name()) ? (Action.Custom) action : null;
        Optional<ActionJson.Request> request = alternative != null ? Optional.empty() : ActionJson.request(action,
                id -> Optional.ofNullable(nodes.get(id)).map(NodeSpec::address));
        if (alternative == null && request.isEmpty()) {
            return new ActionResult.Failed(NEEDS_SUPERVISOR);
        }
        Deadline end = Deadline.after(deadline);
        String secret;
        try {
            secret = BearerToken.current(token);
        } catch (RuntimeException e) {
            return new ActionResult.Failed("cannot read the control token: " + e.getMessage());
        }
        if (alternative != null) {
            return useAlternative(node, alternative, end, secret);
        }
        String path = request.get().path();
        long sent;
        try {
            sent = FencingEpoch.current(epoch);
        } catch (RuntimeException e) {
            return new ActionResult.Failed("cannot read the fencing epoch: " + e.getMessage());
        }
        try {
            ActionResult result = exchange(node, request.get(), end, secret, sent);
            LOG.debug("Node '{}' answered {} to {} in {} ms", node.id(), result.done() ? "done" : "failed", path,
                    end.elapsedMillis());
            return result;
        } catch (IOException | RuntimeException e) {
            Exception failure = client.isClosed() ? new IOException("the control was closed while it ran", e) : e;
            String reason = ProbeFailures.redact(failure, secret).getMessage();
            LOG.debug("POST {} to node '{}' failed after {} ms: {}", path, node.id(), end.elapsedMillis(), reason);
            return new ActionResult.Failed("POST " + path + " failed: " + reason);
        }
    }

    /**
     * Raises the node's fencing epoch to this control's current one and does nothing else
     * ({@code POST /api/control/fence}): a daemon that becomes the active one of several fences every node before it
     * acts, so that a request the previous one sends late is refused.
     *
     * @return done with the node's epoch, or failed saying why (no epoch to send, unreachable, a newer epoch there:
     *         {@link #refusedAsStale})
     * @throws IllegalArgumentException if the node is not one of this control's nodes
     * @throws IllegalStateException    if this control is closed
     * @throws InterruptedException     if the calling thread is interrupted while waiting for the node
     */
    public ActionResult fence(NodeId id) throws InterruptedException {
        NodeSpec node = openNode(Objects.requireNonNull(id, "id"), "fence");
        Deadline end = Deadline.after(deadline);
        String secret;
        long sent;
        try {
            secret = BearerToken.current(token);
            sent = FencingEpoch.current(epoch);
        } catch (RuntimeException e) {
            return new ActionResult.Failed("cannot read the control token or the fencing epoch: " + e.getMessage());
        }
        if (sent <= 0) {
            return new ActionResult.Failed("no fencing epoch to send");
        }
        ObjectNode body = JsonReads.MAPPER.createObjectNode().put("node_id", id.value());
        try {
            return exchange(node, new ActionJson.Request(ActionJson.FENCE, body), end, secret, sent);
        } catch (IOException | RuntimeException e) {
            String reason = ProbeFailures.redact(e, secret).getMessage();
            return new ActionResult.Failed("POST " + ActionJson.FENCE + " failed: " + reason);
        }
    }

    /**
     * The node {@code id} names, while this control is open.
     *
     * @throws IllegalArgumentException if the node is not one of this control's nodes
     * @throws IllegalStateException    if this control is closed; the message says it could not {@code verb} the node
     */
    private NodeSpec openNode(NodeId id, String verb) {
        NodeSpec node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("node '" + id + "' is not one of the nodes " + nodes.keySet()
                    + " this control was built with");
        }
        if (client.isClosed()) {
            throw new IllegalStateException("HttpNodeControl is closed; create a new one to " + verb + " node '" + id
                    + "'");
        }
        return node;
    }

    /**
     * Asks the node whether it accepts this control's token, with {@code POST /api/control/ping}, which changes
     * nothing and carries no fencing epoch: a daemon sends it at its start, so that a node that would refuse its
     * control actions is reported before the first one fails.
     *
     * @return done when the node accepts the token; failed saying why otherwise (the node refused the token with
     *         401, it does not know the endpoint, or it could not be reached); the token never appears in it
     * @throws IllegalArgumentException if the node is not one of this control's nodes
     * @throws IllegalStateException    if this control is closed
     * @throws InterruptedException     if the calling thread is interrupted while waiting for the node
     */
    public ActionResult ping(NodeId id) throws InterruptedException {
        NodeSpec node = openNode(Objects.requireNonNull(id, "id"), "ping");
        Deadline end = Deadline.after(deadline);
        String secret;
        try {
            secret = BearerToken.current(token);
        } catch (RuntimeException e) {
            return new ActionResult.Failed("cannot read the control token: " + e.getMessage());
        }
        ObjectNode body = JsonReads.MAPPER.createObjectNode().put("node_id", id.value());
        try {
            return exchange(node, new ActionJson.Request(ActionJson.PING, body), end, secret, 0);
        } catch (IOException | RuntimeException e) {
            String reason = ProbeFailures.redact(e, secret).getMessage();
            return new ActionResult.Failed("POST " + PING_PATH + " failed: " + reason);
        }
    }

    /**
     * Whether {@code result} says that the node refused the request's fencing epoch: another daemon, with a higher
     * epoch, has controlled the node since this daemon's epoch was taken.
     *
     * @throws NullPointerException if {@code result} is null
     */
    public static boolean refusedAsStale(ActionResult result) {
        return Objects.requireNonNull(result, "result") instanceof ActionResult.Failed failed
                && failed.detail().startsWith(STALE_EPOCH);
    }

    /**
     * Stops this control's threads. A request running now fails at once or by its deadline; later calls throw.
     * Idempotent.
     */
    @Override
    public void close() {
        client.close();
    }

    /** Switches the monitor's route to {@code node} to the alternative address, if the node answers there. */
    private ActionResult useAlternative(NodeSpec node, Action.Custom action, Deadline end, String secret)
            throws InterruptedException {
        Object value = action.parameters().get("address");
        if (!(value instanceof String address)) {
            return new ActionResult.Failed(NodeRoutes.USE_ALTERNATIVE_ADDRESS + " needs the parameter 'address'"
                    + " (host:port), but got " + action.parameters().keySet());
        }
        try {
            NodeRoutes.requireAlternative(node, address);
        } catch (IllegalArgumentException e) {
            return new ActionResult.Failed(e.getMessage());
        }
        try {
            HttpNodeProbe.fetchStatus(client, node.id(), NodeUris.of(address, HttpNodeProbe.STATUS_PATH), end, secret,
                    HttpNodeProbe.DEFAULT_MAX_RESPONSE_BYTES);
        } catch (IOException | RuntimeException e) {
            String reason = ProbeFailures.redact(e, secret).getMessage();
            return new ActionResult.Failed("'" + node.id() + "' does not answer at its alternative address " + address
                    + " either: " + reason);
        }
        routes.use(node, address);
        return new ActionResult.Done("the monitor reaches '" + node.id() + "' at its alternative address " + address
                + " (primary " + node.address() + ") until a probe there fails", Map.of("address", address,
                "primary", node.address()));
    }

    private ActionResult exchange(NodeSpec node, ActionJson.Request request, Deadline end, String secret,
                                  long sentEpoch) throws IOException, InterruptedException {
        URI uri = routes.uri(node, request.path());
        HttpRequest.Builder http = HttpRequest.newBuilder(uri)
                .timeout(end.remaining())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JsonReads.write(request.body())));
        BearerToken.authorize(http, secret);
        FencingEpoch.send(http, sentEpoch);
        HttpResponse<InputStream> response = client.send(http.build(), uri.getHost(), end);
        byte[] body;
        try (InputStream in = response.body()) {
            body = client.readBounded(in, maxResponseBytes, end, "response");
        }
        if (response.statusCode() == 409) {
            Optional<ActionResult> fenced = staleEpoch(node, request.path(), body, sentEpoch);
            if (fenced.isPresent()) {
                return fenced.get();
            }
        }
        if (response.statusCode() != 200) {
            throw new ProtocolException(ProbeFailures.httpFailure(response.statusCode(), body, secret));
        }
        try {
            JsonNode answer = JsonReads.readObject(body, "response");
            return ActionJson.result(answer, text -> ProbeFailures.redact(text, secret));
        } catch (ProtocolException e) {
            // a message shows offending values cut short or escaped, which replacing the token would not catch
            if (secret != null && new String(body, StandardCharsets.UTF_8).contains(secret)) {
                throw new ProtocolException("response is not a control answer"
                        + " (details withheld: the response quotes the bearer token)");
            }
            throw e;
        }
    }

    /**
     * The failure a 409 answer means when it is a fencing refusal (it has {@value FencingEpoch#FENCED_EPOCH}, the
     * node's epoch); empty for another 409, such as a request meant for another node.
     */
    private static Optional<ActionResult> staleEpoch(NodeSpec node, String path, byte[] body, long sentEpoch) {
        JsonNode answer;
        try {
            answer = JsonReads.readObject(body, "response");
        } catch (ProtocolException notJson) {
            return Optional.empty();
        }
        Optional<JsonNode> fenced = JsonReads.member(answer, FencingEpoch.FENCED_EPOCH);
        if (fenced.isEmpty()) {
            return Optional.empty();
        }
        String nodeEpoch = fenced.filter(JsonNode::isIntegralNumber).filter(JsonNode::canConvertToLong)
                .map(v -> "epoch " + v.longValue()).orElse("a higher epoch");
        String detail = STALE_EPOCH + ": this daemon sent " + (sentEpoch > 0 ? "epoch " + sentEpoch : "none")
                + ", and '" + node.id() + "' has accepted " + nodeEpoch + " from a newer recovery daemon (POST "
                + path + ")";
        LOG.info("Node '{}' refused {}: {}", node.id(), path, detail);
        return Optional.of(new ActionResult.Failed(detail));
    }

    /**
     * Builds an {@link HttpNodeControl}. Required: {@link #nodes}. Not thread-safe; {@link #build()} copies its
     * state, so a builder can be reused.
     */
    public static final class Builder {
        private List<NodeSpec> nodes = List.of();
        private Supplier<String> token;
        private LongSupplier epoch = () -> 0;
        private Duration deadline = DEFAULT_DEADLINE;
        private Duration connectTimeout = HttpNodeProbe.DEFAULT_CONNECT_TIMEOUT;
        private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
        private NodeRoutes routes = new NodeRoutes();

        private Builder() {
        }

        /**
         * The routes to the nodes, shared with the monitor's {@link HttpNodeProbe}: an alternative address this
         * control switches a node to is used by both. Default: a private instance, every node at its primary address.
         */
        public Builder routes(NodeRoutes routes) {
            this.routes = Objects.requireNonNull(routes, "routes");
            return this;
        }

        /**
         * The nodes this control may act on; their addresses are also sent as the {@code from_address} of
         * actions that copy from one of them.
         *
         * @throws NullPointerException if {@code nodes} or one of them is null
         */
        public Builder nodes(List<NodeSpec> nodes) {
            this.nodes = List.copyOf(nodes);
            return this;
        }

        /**
         * The bearer token sent as {@code Authorization: Bearer <token>}, asked for on every request so it can
         * rotate. Surrounding whitespace is dropped; a null or blank token sends no header (and nodes answer 401).
         *
         * @throws NullPointerException if {@code token} is null
         */
        public Builder token(Supplier<String> token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /**
         * The fencing epoch of this daemon, sent as {@value HttpNodeControl#EPOCH_HEADER} with every control
         * request and asked for on every request, so that it follows the daemon's lease. A value of 0 or less means
         * no epoch: no header is sent, and a node that was ever fenced refuses the request. Default: no epoch.
         *
         * @throws NullPointerException if {@code epoch} is null
         */
        public Builder epoch(LongSupplier epoch) {
            this.epoch = Objects.requireNonNull(epoch, "epoch");
            return this;
        }

        /**
         * How long one request may take, from connecting to the last byte of the answer.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder deadline(Duration deadline) {
            this.deadline = positive(deadline, "deadline");
            return this;
        }

        /**
         * How long opening a TCP connection may take; the request's deadline bounds it as well.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * The largest answer accepted; a longer one fails the action after reading one byte more.
         *
         * @throws IllegalArgumentException if outside 1..{@value HttpNodeProbe#MAX_RESPONSE_BYTES_LIMIT}
         */
        public Builder maxResponseBytes(int maxResponseBytes) {
            if (maxResponseBytes < 1 || maxResponseBytes > HttpNodeProbe.MAX_RESPONSE_BYTES_LIMIT) {
                throw new IllegalArgumentException("maxResponseBytes must be in 1.."
                        + HttpNodeProbe.MAX_RESPONSE_BYTES_LIMIT + ", but was " + maxResponseBytes);
            }
            this.maxResponseBytes = maxResponseBytes;
            return this;
        }

        /**
         * A new control with its own HTTP client and threads; close it when done.
         *
         * @throws IllegalStateException    if no nodes were given
         * @throws IllegalArgumentException if two nodes share an id
         */
        public HttpNodeControl build() {
            if (nodes.isEmpty()) {
                throw new IllegalStateException("nodes are required: which nodes should this control reach?");
            }
            if (nodes.stream().map(NodeSpec::id).distinct().count() != nodes.size()) {
                throw new IllegalArgumentException("node ids must be unique, but were " + nodes.stream()
                        .map(NodeSpec::id).toList());
            }
            return new HttpNodeControl(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0, but was " + value);
            }
            return value;
        }
    }
}
