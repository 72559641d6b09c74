package org.distributedtesting.recovery.core.http.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.http.ControlRequest;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.http.codec.ActionJson;
import org.distributedtesting.recovery.core.http.codec.BearerToken;
import org.distributedtesting.recovery.core.http.codec.FencingEpoch;
import org.distributedtesting.recovery.core.http.codec.JsonReads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the control endpoints: the bearer token check, the {@value FencingEpoch#HEADER} header's
 * syntax, then the request body (at most {@link NodeProtocolServer#MAX_REQUEST_BYTES}), then the fencing check
 * ({@link EpochFence}), then the host's handler. A request without the right token is answered 401 before its body
 * is read, and the host is not called. Neither the token nor the {@code Authorization} header is logged.
 *
 * <p>The database copy is not fenced: other nodes fetch it for a restore, they carry no epoch, and it changes
 * nothing on this node; the restore that asks for it is fenced on the node that carries it out.
 *
 * <p>Thread-safe when the host's handler, the token supplier and the database copy supplier are.
 */
final class ControlEndpoint {

    static final String NO_CONTROL = "this node accepts no control actions";
    static final String PING_ACCEPTED = "control token accepted";

    private static final Logger LOG = LoggerFactory.getLogger(ControlEndpoint.class);
    private static final int MAX_DETAIL_CHARS = 300;
    /** An empty request body means no parameters. */
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

    private final NodeId node;
    private final ControlRequest.Handler host;
    private final Supplier<String> token;
    private final Supplier<InputStream> databaseCopy;
    private final EpochFence fence;

    /**
     * @param host         the host's handler, or null when the node accepts no control actions
     * @param token        the token requests must present, or null when no endpoint needs one
     * @param databaseCopy opens a consistent copy of the database, or null when the node serves none
     * @param fence        the highest fencing epoch seen, which every control request is checked against
     */
    ControlEndpoint(NodeId node, ControlRequest.Handler host, Supplier<String> token,
                    Supplier<InputStream> databaseCopy, EpochFence fence) {
        this.node = node;
        this.host = host;
        this.token = token;
        this.databaseCopy = databaseCopy;
        this.fence = Objects.requireNonNull(fence, "fence");
    }

    boolean servesDatabaseCopy() {
        return databaseCopy != null;
    }

    /** Answers a {@code POST} to one of {@link ActionJson#PATHS}. */
    void control(Exchange exchange, String path) throws IOException {
        OptionalLong epoch = authorizedEpoch(exchange);
        byte[] body = epoch == null ? null : body(exchange);
        if (body == null) {
            return;
        }
        if (host == null) {
            Exchanges.json(exchange, 200, ActionJson.answer(new ActionResult.Failed(NO_CONTROL)));
            return;
        }
        JsonNode json = addressedToThisNode(exchange, body);
        if (json == null) {
            return;
        }
        ControlRequest request;
        try {
            request = ActionJson.read(node, path, json);
        } catch (ProtocolException | IllegalArgumentException e) {
            Exchanges.error(exchange, 400, e.getMessage());
            return;
        }
        if (!admitted(exchange, epoch)) {
            return;
        }
        LOG.info("Node '{}' carries out {} requested by {}{}", node, request.action().name(),
                exchange.remoteAddress(), epoch.isPresent() ? " at epoch " + epoch.getAsLong() : "");
        Exchanges.json(exchange, 200, ActionJson.answer(execute(request)));
    }

    /**
     * Answers {@code POST /api/control/fence}: the request's epoch (required) raises the node's fencing epoch, and
     * nothing else happens; a stale one is refused as for any control request. The answer carries the node's epoch
     * after the check: the request's, or a higher one that arrived meanwhile. Answered also by a node whose host
     * has no control, since fencing is the server's own.
     */
    void fence(Exchange exchange) throws IOException {
        OptionalLong epoch = authorizedEpoch(exchange);
        if (epoch == null) {
            return;
        }
        if (epoch.isEmpty()) {
            Exchanges.error(exchange, 400, "a fence request must carry the " + FencingEpoch.HEADER + " header");
            return;
        }
        byte[] body = body(exchange);
        if (body == null || addressedToThisNode(exchange, body) == null || !admitted(exchange, epoch)) {
            return;
        }
        LOG.info("Node '{}' is fenced at epoch {} by {}", node, epoch.getAsLong(), exchange.remoteAddress());
        // read once: a higher fence arriving meanwhile must not make the detail and the data disagree
        long fenced = fence.highest();
        Exchanges.json(exchange, 200, ActionJson.answer(new ActionResult.Done("fenced at epoch " + fenced,
                Map.of("epoch", fenced))));
    }

    /**
     * Answers {@code POST /api/control/ping}: done when the request presents the token, 401 otherwise (as every
     * control request). Changes nothing, so it is neither fenced nor handed to the host; a body, if any, is ignored.
     */
    void ping(Exchange exchange) throws IOException {
        if (!authorized(exchange) || body(exchange) == null) {
            return;
        }
        LOG.debug("Node '{}' answered a ping from {}", node, exchange.remoteAddress());
        Exchanges.json(exchange, 200, ActionJson.answer(new ActionResult.Done(PING_ACCEPTED, Map.of())));
    }

    /** The request's fencing epoch, if it is authorized; null when it was answered (401, or 400 for the header). */
    private OptionalLong authorizedEpoch(Exchange exchange) throws IOException {
        if (!authorized(exchange)) {
            return null;
        }
        try {
            return FencingEpoch.parse(exchange.requestHeaderValues(FencingEpoch.HEADER));
        } catch (ProtocolException e) {
            Exchanges.error(exchange, 400, e.getMessage());
            return null;
        }
    }

    /** The request body, or null when it was too large (answered 413). */
    private static byte[] body(Exchange exchange) throws IOException {
        byte[] body = Exchanges.body(exchange, NodeProtocolServer.MAX_REQUEST_BYTES);
        if (body == null) {
            Exchanges.error(exchange, 413, "request body exceeds " + NodeProtocolServer.MAX_REQUEST_BYTES + " bytes");
        }
        return body;
    }

    /**
     * The body as a JSON object whose {@code node_id}, if it has one, is this node's; null when it was answered (400
     * not a JSON object, 409 another node's).
     */
    private JsonNode addressedToThisNode(Exchange exchange, byte[] body) throws IOException {
        try {
            JsonNode json = JsonReads.readObject(body.length == 0 ? EMPTY_OBJECT : body, "request body");
            Optional<String> addressee = JsonReads.member(json, "node_id").map(v -> JsonReads.text(v, "node_id"));
            if (addressee.isPresent() && !addressee.get().equals(node.value())) {
                Exchanges.error(exchange, 409, "this is node '" + node + "', not '"
                        + JsonReads.shorten(addressee.get()) + "'");
                return null;
            }
            return json;
        } catch (ProtocolException e) {
            Exchanges.error(exchange, 400, e.getMessage());
            return null;
        }
    }

    /**
     * Streams a copy of the database for {@code GET /api/control/database_copy}. A copy that fails half-way
     * throws before the chunked body is ended, and the connection then ends without its last chunk, so that the
     * client sees a broken transfer rather than a short database.
     */
    void databaseCopy(Exchange exchange) throws IOException {
        if (!authorized(exchange)) {
            return;
        }
        InputStream copy;
        try {
            copy = Objects.requireNonNull(databaseCopy.get(), "the database copy supplier returned null");
        } catch (RuntimeException e) {
            LOG.warn("Node '{}' could not open a database copy", node, e);
            Exchanges.error(exchange, 500, "database copy unavailable: " + oneLine(e));
            return;
        }
        LOG.info("Node '{}' sends a database copy to {}", node, exchange.remoteAddress());
        exchange.setResponseHeader("Content-Type", "application/octet-stream");
        try (copy) {
            OutputStream out = exchange.respondStreaming(200);
            copy.transferTo(out);
            out.close(); // the last chunk: only once the whole copy is sent
        }
    }

    private ActionResult execute(ControlRequest request) {
        try {
            ActionResult result = host.execute(request);
            return result != null ? result : new ActionResult.Failed("the host's control returned no result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ActionResult.Failed("interrupted");
        } catch (Exception e) {
            LOG.warn("Node '{}' failed to carry out {}", node, request.action().name(), e);
            return new ActionResult.Failed(oneLine(e));
        }
    }

    /**
     * Whether the request's epoch passes the fence (raising it when higher); answers 409 when the epoch is stale or
     * missing on a fenced node, 500 when a higher one cannot be stored.
     */
    private boolean admitted(Exchange exchange, OptionalLong epoch) throws IOException {
        Optional<EpochFence.Refusal> refusal;
        try {
            refusal = fence.admit(epoch);
        } catch (IOException e) {
            LOG.error("Node '{}' refused {} {} from {}: its fencing epoch could not be stored", node,
                    exchange.method(), exchange.path(), exchange.remoteAddress(), e);
            Exchanges.error(exchange, 500, oneLine(e));
            return false;
        }
        if (refusal.isEmpty()) {
            return true;
        }
        EpochFence.Refusal refused = refusal.get();
        LOG.warn("Node '{}' refused {} {} from {}: {}", node, exchange.method(), exchange.path(),
                exchange.remoteAddress(), refused.message());
        ObjectNode answer = JsonReads.MAPPER.createObjectNode().put("error", refused.message())
                .put(FencingEpoch.FENCED_EPOCH, refused.fencedEpoch());
        refused.requestEpoch().ifPresent(e -> answer.put(FencingEpoch.REQUEST_EPOCH, e));
        Exchanges.json(exchange, 409, answer);
        return false;
    }

    /** Whether the request presents the token; answers 401 when it does not. */
    private boolean authorized(Exchange exchange) throws IOException {
        if (token == null) {
            return true;
        }
        String expected;
        try {
            expected = BearerToken.current(token);
        } catch (RuntimeException e) {
            LOG.warn("Node '{}' refused {} {}: its token supplier failed", node, exchange.method(),
                    exchange.path(), e);
            Exchanges.error(exchange, 500, "control token unavailable");
            return false;
        }
        if (BearerToken.presents(exchange.requestHeader(BearerToken.HEADER), expected)) {
            return true;
        }
        boolean sent = exchange.hasRequestHeader(BearerToken.HEADER);
        LOG.warn("Node '{}' refused {} {} from {}: {}", node, exchange.method(),
                exchange.path(), exchange.remoteAddress(),
                expected == null ? "the host supplied no token" : sent ? "wrong bearer token" : "no bearer token");
        exchange.setResponseHeader("WWW-Authenticate", "Bearer");
        Exchanges.error(exchange, 401, "a valid bearer token is required");
        return false;
    }

    private static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String line = message.replaceAll("\\R", " ");
        return line.length() <= MAX_DETAIL_CHARS ? line : line.substring(0, MAX_DETAIL_CHARS) + "...";
    }
}
