package org.distributedtesting.recovery.core.http.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.distributedtesting.recovery.NodeProbe;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.http.codec.ActionJson;
import org.distributedtesting.recovery.core.http.codec.BearerToken;
import org.distributedtesting.recovery.core.http.codec.StatusJson;
import org.distributedtesting.recovery.core.probe.ProbeRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link NodeProbe} that asks a node with {@code GET http://host:port/api/status} over HTTP/1.1 and reads the
 * answer with {@link StatusJson}.
 *
 * <p>A probe ends within its deadline plus a few milliseconds, whatever the node does: a watchdog abandons the
 * exchange at the deadline, so a node that never answers, never finishes its body or sends it one byte at a time
 * cannot hold the caller. The body is read up to {@link Builder#maxResponseBytes(int)} bytes and no further.
 *
 * <p>{@link #probeAsync} is the probe itself and holds no thread while the node thinks: the request goes out with
 * {@link java.net.http.HttpClient#sendAsync}, and the body is gathered as it arrives. The blocking {@link #probe}
 * waits for it, so both forms behave alike.
 *
 * <p>Failures: {@link IOException} when the node cannot be reached or times out ({@code "connection refused"},
 * {@code "timed out after 2000 ms"}), {@link ProtocolException} when it answers outside the protocol (a status
 * other than 200, a body over the limit, a body {@link StatusJson} rejects). A configured bearer token is sent
 * on every request and never appears in an exception message or a log line: where a node echoes it back, it is
 * replaced, or the details of a rejected body are withheld.
 *
 * <p>Thread-safe: one instance probes many nodes at once. It owns one {@link java.net.http.HttpClient} and its
 * threads; {@link #close()} stops them. The client's own selector thread ends once the closed probe is unreachable.
 */
public final class HttpNodeProbe implements NodeProbe, AutoCloseable {

    /** How long opening a connection may take when the builder sets nothing else. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    /** The largest status body read when the builder sets nothing else: 1 MiB. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 1 << 20;

    /** The largest body limit a builder accepts: 1 GiB. */
    public static final int MAX_RESPONSE_BYTES_LIMIT = 1 << 30;

    /** The protocol path of a node's status. */
    public static final String STATUS_PATH = ActionJson.STATUS;

    private static final Logger LOG = LoggerFactory.getLogger(HttpNodeProbe.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final int maxResponseBytes;
    private final Supplier<String> token;
    /** The last problem with the token, so that it is logged once, not on every probe; null when none. */
    private final AtomicReference<String> tokenProblem = new AtomicReference<>();
    private final DeadlineClient client;
    private final NodeRoutes routes;

    private HttpNodeProbe(Builder builder) {
        this.maxResponseBytes = builder.maxResponseBytes;
        this.token = builder.token;
        this.routes = builder.routes;
        this.client = new DeadlineClient("http-probe-" + INSTANCES.incrementAndGet(), builder.connectTimeout);
    }

    /** A builder with the defaults: 2 s connect timeout, 1 MiB body limit, no token. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Probes {@code node} and waits for the answer: {@link #probeAsync} joined on the calling thread.
     *
     * @throws IllegalArgumentException if {@code deadline} is not positive
     * @throws IllegalStateException    if this probe is closed
     * @throws IOException              if the node cannot be reached or does not answer within the deadline
     * @throws ProtocolException        if the node's answer is not a status answer for {@code node}
     * @throws InterruptedException     if the calling thread is interrupted while waiting for the response; the
     *                                  request is abandoned
     */
    @Override
    public NodeStatus probe(NodeSpec node, Duration deadline) throws IOException, InterruptedException {
        return DeadlineClient.await(probeAsync(node, deadline, Runnable::run));
    }

    /**
     * Starts probing {@code node} and returns at once; no thread waits for the node. The future completes with
     * the node's status, or fails with what {@link #probe} would throw, by the deadline whatever the node does.
     * Cancelling it abandons the request and closes its connection; a probe on an alternative address that is
     * cancelled before the node answered goes back to the primary address, as a timed-out one does. The future's
     * dependent stages run on this probe's client threads, so they must not block.
     *
     * @param executor looks up the bearer token when one is configured, since its source may read a file; without
     *                 a token it is not used. The exchange itself runs on the HTTP client's threads.
     * @throws IllegalArgumentException   if {@code deadline} is not positive
     * @throws IllegalStateException      if this probe is closed
     * @throws java.util.concurrent.RejectedExecutionException if {@code executor} refuses the token lookup
     */
    @Override
    public CompletableFuture<NodeStatus> probeAsync(NodeSpec node, Duration deadline, Executor executor) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(executor, "executor");
        Deadline end = Deadline.after(deadline);
        if (client.isClosed()) {
            throw new IllegalStateException("HttpNodeProbe is closed; create a new one to probe node '"
                    + node.id() + "'");
        }
        CompletableFuture<NodeStatus> result = new CompletableFuture<>();
        if (token == null) {
            exchange(node, end, null, result);
        } else {
            // a thousand token reads in a row would hold the caller, who starts every node's probe in turn
            executor.execute(() -> {
                if (!result.isDone()) {
                    exchange(node, end, usableToken(), result);
                }
            });
        }
        return result;
    }

    /** Sends the status request of {@code node} and completes {@code result} with its answer or failure. */
    private void exchange(NodeSpec node, Deadline end, String secret, CompletableFuture<NodeStatus> result) {
        CompletableFuture<NodeStatus> exchange;
        try {
            exchange = fetchStatusAsync(client, node.id(), routes.uri(node, STATUS_PATH), end, secret,
                    maxResponseBytes);
        } catch (IOException | RuntimeException e) {
            exchange = CompletableFuture.failedFuture(e);
        }
        exchange.whenComplete((status, failure) -> {
            if (failure == null) {
                LOG.debug("Node '{}' answered {} at term {} in {} ms", node.id(), status.role(), status.term(),
                        end.elapsedMillis());
                result.complete(status);
            } else if (result.isDone()) {
                LOG.debug("Probe of node '{}' abandoned by its caller after {} ms", node.id(), end.elapsedMillis());
                routes.fallBack(node, "no answer before the probe was abandoned");
            } else {
                result.completeExceptionally(failed(node, end, secret, ProbeRunner.unwrap(failure)));
            }
        });
        DeadlineClient.abandonWhenDone(result, exchange);
    }

    /** The failure as reported, with the token kept out; the node's route goes back to its primary address. */
    private Throwable failed(NodeSpec node, Deadline end, String secret, Throwable cause) {
        if (!(cause instanceof Exception exception)) {
            return cause;
        }
        // a probe racing close() meets shut-down executors; say so rather than show their rejection
        Exception failure = client.isClosed() ? new IOException("the probe was closed while it ran", exception)
                : exception;
        Exception reported = ProbeFailures.redact(failure, secret);
        LOG.debug("Probe of node '{}' failed after {} ms: {}", node.id(), end.elapsedMillis(),
                reported.getMessage());
        routes.fallBack(node, reported.getMessage());
        return reported;
    }

    /**
     * Stops this probe's threads. A probe running now fails at once or, if it is still waiting for response
     * headers, by its deadline; later calls throw. Idempotent.
     */
    @Override
    public void close() {
        client.close();
    }

    /**
     * The token to send, or null. A status request needs no token, so a token that cannot be had (its file missing,
     * empty or of two lines, or a value no header can carry) never stops a probe: the probe goes without it, and the
     * problem is logged once at WARN until it changes; control actions report it in their results.
     */
    private String usableToken() {
        String secret;
        String problem;
        try {
            secret = BearerToken.current(token);
            problem = secret == null || BearerToken.isHeaderValue(secret) ? null
                    : "it contains a line break, a control character or a non-ASCII character";
        } catch (RuntimeException e) {
            secret = null;
            problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        String previous = tokenProblem.getAndSet(problem);
        if (problem != null && !problem.equals(previous)) {
            LOG.warn("The control token cannot be used ({}); status requests go without it, and control actions"
                    + " fail until it is fixed", problem);
        } else if (problem == null && previous != null) {
            LOG.info("The control token can be used again");
        }
        return problem == null ? secret : null;
    }

    /**
     * {@code GET} of a status answer at {@code uri}, which must be {@code node}'s, waiting for it: shared with
     * {@link HttpNodeControl}, which asks a node at its alternative address before it switches to it.
     */
    static NodeStatus fetchStatus(DeadlineClient client, NodeId node, URI uri, Deadline deadline, String secret,
                                  int maxResponseBytes) throws IOException, InterruptedException {
        return DeadlineClient.await(fetchStatusAsync(client, node, uri, deadline, secret, maxResponseBytes));
    }

    /**
     * Starts a {@code GET} of a status answer at {@code uri}, which must be {@code node}'s. A status other than 200
     * fails without reading the body; a body over {@code maxResponseBytes} fails after the bytes that passed the
     * limit. Cancelling the returned future abandons the request.
     *
     * @throws HttpTimeoutException if the deadline has passed already
     */
    private static CompletableFuture<NodeStatus> fetchStatusAsync(DeadlineClient client, NodeId node, URI uri,
                                                                  Deadline deadline, String secret,
                                                                  int maxResponseBytes) throws HttpTimeoutException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(deadline.remaining()).header("Accept", "application/json").GET();
        BearerToken.authorize(request, secret);
        CompletableFuture<HttpResponse<byte[]>> response = client.exchange(request.build(), uri.getHost(), deadline,
                maxResponseBytes, "response", code -> code == 200);
        CompletableFuture<NodeStatus> status = response.thenApply(answer -> {
            if (answer.statusCode() != 200) {
                throw new ProtocolException("node answered HTTP " + answer.statusCode() + " to GET " + STATUS_PATH);
            }
            return parse(node, answer.body(), secret);
        });
        DeadlineClient.abandonWhenDone(status, response);
        return status;
    }

    private static NodeStatus parse(NodeId node, byte[] body, String secret) {
        try {
            return StatusJson.parse(node, body);
        } catch (ProtocolException e) {
            // a message shows offending values cut short or escaped, which replacing the token would not catch
            if (secret != null && new String(body, StandardCharsets.UTF_8).contains(secret)) {
                throw new ProtocolException("response is not a valid status answer"
                        + " (details withheld: the response quotes the bearer token)");
            }
            throw e;
        }
    }

    /**
     * Builds an {@link HttpNodeProbe}. Not thread-safe; {@link #build()} copies its state, so a builder can be
     * reused.
     */
    public static final class Builder {
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
        private Supplier<String> token;
        private NodeRoutes routes = new NodeRoutes();

        private Builder() {
        }

        /**
         * The routes to probe the nodes on, shared with the monitor's {@link HttpNodeControl} so that an
         * alternative address it switched to is probed too; a probe failing on an alternative switches back to the
         * primary address. Default: a private instance, every node at its primary address.
         */
        public Builder routes(NodeRoutes routes) {
            this.routes = Objects.requireNonNull(routes, "routes");
            return this;
        }

        /**
         * How long opening a TCP connection may take; the probe's deadline bounds it as well.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder connectTimeout(Duration connectTimeout) {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            if (connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be > 0, but was " + connectTimeout);
            }
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * The largest status body accepted; a longer one fails the probe after reading one byte more.
         *
         * @throws IllegalArgumentException if outside 1..{@value #MAX_RESPONSE_BYTES_LIMIT}
         */
        public Builder maxResponseBytes(int maxResponseBytes) {
            if (maxResponseBytes < 1 || maxResponseBytes > MAX_RESPONSE_BYTES_LIMIT) {
                throw new IllegalArgumentException("maxResponseBytes must be in 1.." + MAX_RESPONSE_BYTES_LIMIT
                        + ", but was " + maxResponseBytes);
            }
            this.maxResponseBytes = maxResponseBytes;
            return this;
        }

        /**
         * The bearer token sent as {@code Authorization: Bearer <token>}, asked for on every probe so it can
         * rotate. Surrounding whitespace is dropped; a null or blank token sends no header.
         *
         * @throws NullPointerException if {@code token} is null
         */
        public Builder token(Supplier<String> token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /** A new probe with its own HTTP client and threads; close it when done. */
        public HttpNodeProbe build() {
            return new HttpNodeProbe(this);
        }
    }
}
