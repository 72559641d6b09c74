package org.distributedtesting.recovery.core.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.distributedtesting.recovery.NodeProbe;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RecoveryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link NodeProbe} that asks a node with {@code GET http://host:port/api/status} over HTTP/1.1 and reads the
 * answer with {@link StatusJson}.
 *
 * <p>A probe returns or throws within its deadline plus a few milliseconds, whatever the node does: the wait for
 * the response headers is bounded by the deadline, and a watchdog closes the body stream at the deadline, so a
 * node that never answers, never finishes its body or sends it one byte at a time cannot hold the caller. The
 * body is read up to {@link Builder#maxResponseBytes(int)} bytes and no further.
 *
 * <p>Failures: {@link IOException} when the node cannot be reached or times out ({@code "connection refused"},
 * {@code "timed out after 2000 ms"}), {@link ProtocolException} when it answers outside the protocol (a status
 * other than 200, a body over the limit, a body {@link StatusJson} rejects). A configured bearer token is sent
 * on every request and never appears in an exception message or a log line: where a node echoes it back, it is
 * replaced, or the details of a rejected body are withheld.
 *
 * <p>Thread-safe: one instance probes many nodes at once. It owns one {@link HttpClient} and its threads;
 * {@link #close()} stops them. The client's own selector thread ends once the closed probe is unreachable.
 */
public final class HttpNodeProbe implements NodeProbe, AutoCloseable {

    /** How long opening a connection may take when the builder sets nothing else. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    /** The largest status body read when the builder sets nothing else: 1 MiB. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 1 << 20;

    /** The largest body limit a builder accepts: 1 GiB. */
    public static final int MAX_RESPONSE_BYTES_LIMIT = 1 << 30;

    /** The protocol path of a node's status. */
    public static final String STATUS_PATH = "/api/status";

    private static final Logger LOG = LoggerFactory.getLogger(HttpNodeProbe.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final int READ_CHUNK_BYTES = 8192;

    private final Duration connectTimeout;
    private final int maxResponseBytes;
    private final Supplier<String> token;
    private final ExecutorService clientExecutor;
    private final ScheduledExecutorService watchdog;
    private final HttpClient client;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HttpNodeProbe(Builder builder) {
        this.connectTimeout = builder.connectTimeout;
        this.maxResponseBytes = builder.maxResponseBytes;
        this.token = builder.token;
        String name = "http-probe-" + INSTANCES.incrementAndGet();
        this.clientExecutor = Executors.newCachedThreadPool(daemonThreads(name + "-client-"));
        ScheduledThreadPoolExecutor guards = new ScheduledThreadPoolExecutor(1, daemonThreads(name + "-watchdog-"));
        // a probe that ends in time cancels its guard; drop it at once rather than keep it queued until its delay
        guards.setRemoveOnCancelPolicy(true);
        this.watchdog = guards;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(clientExecutor)
                .build();
    }

    /** A builder with the defaults: 2 s connect timeout, 1 MiB body limit, no token. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @throws IllegalArgumentException if {@code deadline} is not positive
     * @throws IllegalStateException    if this probe is closed
     * @throws IOException              if the node cannot be reached or does not answer within the deadline
     * @throws ProtocolException        if the node's answer is not a status answer for {@code node}
     * @throws InterruptedException     if the calling thread is interrupted while waiting for the response
     */
    @Override
    public NodeStatus probe(NodeSpec node, Duration deadline) throws IOException, InterruptedException {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be > 0, but was " + deadline);
        }
        if (closed.get()) {
            throw new IllegalStateException("HttpNodeProbe is closed; create a new one to probe node '"
                    + node.id() + "'");
        }
        long start = System.nanoTime();
        long end = start + saturatedNanos(deadline);
        String secret = currentToken();
        try {
            NodeStatus status = exchange(node, deadline, end, secret);
            LOG.debug("Node '{}' answered {} at term {} in {} ms", node.id(), status.role(), status.term(),
                    millisSince(start));
            return status;
        } catch (IOException | RuntimeException e) {
            // a probe racing close() meets shut-down executors; say so rather than show their rejection
            Exception failure = closed.get() ? new IOException("the probe was closed while it ran", e) : e;
            Exception reported = ProbeFailures.redact(failure, secret);
            LOG.debug("Probe of node '{}' failed after {} ms: {}", node.id(), millisSince(start),
                    reported.getMessage());
            throw ProbeFailures.rethrow(reported);
        }
    }

    /**
     * Stops this probe's threads. A probe running now fails at once or, if it is still waiting for response
     * headers, by its deadline; later calls throw. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            // run the pending watchdogs instead of dropping them: each closes a body a probe may be blocked on
            for (Runnable pendingGuard : watchdog.shutdownNow()) {
                pendingGuard.run();
            }
            clientExecutor.shutdownNow();
        }
    }

    /** The token to send now, without surrounding whitespace (a secrets file often ends in a line break). */
    private String currentToken() {
        if (token == null) {
            return null;
        }
        String current = token.get();
        return current == null || current.isBlank() ? null : current.strip();
    }

    private NodeStatus exchange(NodeSpec node, Duration deadline, long end, String secret)
            throws IOException, InterruptedException {
        HttpRequest request = request(node, remaining(end, deadline), secret);
        HttpResponse<InputStream> response = send(request, node, deadline, end);
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new ProtocolException("node answered HTTP " + response.statusCode() + " to GET "
                        + STATUS_PATH);
            }
            return parse(node, readBounded(body, deadline, end), secret);
        }
    }

    private static NodeStatus parse(NodeSpec node, byte[] body, String secret) {
        try {
            return StatusJson.parse(node.id(), body);
        } catch (ProtocolException e) {
            // a message shows offending values cut short or escaped, which replacing the token would not catch
            if (secret != null && new String(body, StandardCharsets.UTF_8).contains(secret)) {
                throw new ProtocolException("response is not a valid status answer"
                        + " (details withheld: the response quotes the bearer token)");
            }
            throw e;
        }
    }

    private HttpRequest request(NodeSpec node, Duration timeout, String secret) {
        URI uri;
        try {
            uri = new URI("http", null, node.host(), node.port(), STATUS_PATH, null, null);
        } catch (URISyntaxException e) {
            throw new RecoveryException("node '" + node.id() + "' has an unusable address " + node.address(), e);
        }
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(uri);
        } catch (IllegalArgumentException e) {
            throw new RecoveryException("node '" + node.id() + "' has an unusable address " + node.address(), e);
        }
        request.timeout(timeout).header("Accept", "application/json").GET();
        if (secret != null) {
            try {
                request.header("Authorization", "Bearer " + secret);
            } catch (IllegalArgumentException e) {
                // the cause is left out on purpose: its message may quote the header value
                throw new RecoveryException("the bearer token is not a valid HTTP header value"
                        + " (it contains a line break or a control character)");
            }
        }
        return request.build();
    }

    private HttpResponse<InputStream> send(HttpRequest request, NodeSpec node, Duration deadline, long end)
            throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<InputStream>> future = client.sendAsync(request, BodyHandlers.ofInputStream());
        try {
            return future.get(remainingNanos(end), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abandon(future);
            throw ProbeFailures.timedOut(deadline);
        } catch (InterruptedException e) {
            abandon(future);
            throw e;
        } catch (ExecutionException e) {
            throw ProbeFailures.transportFailure(e.getCause(), node, deadline, connectTimeout);
        }
    }

    /**
     * Reads at most {@code maxResponseBytes + 1} bytes on the calling thread. The stream's blocking read cannot
     * time out on its own and ignores interrupts, so a watchdog closes the stream at the deadline; a closed stream
     * ends a blocked read at once.
     */
    private byte[] readBounded(InputStream body, Duration deadline, long end) throws IOException {
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> guard = watchdog.schedule(() -> {
            expired.set(true);
            closeAbandoned(body);
        }, remainingNanos(end), TimeUnit.NANOSECONDS);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(READ_CHUNK_BYTES, maxResponseBytes + 1));
            byte[] chunk = new byte[READ_CHUNK_BYTES];
            while (true) {
                if (expired.get() || System.nanoTime() - end >= 0) {
                    throw ProbeFailures.timedOut(deadline);
                }
                int wanted = (int) Math.min(chunk.length, (long) maxResponseBytes + 1 - out.size());
                int read = body.read(chunk, 0, wanted);
                if (read < 0) {
                    return out.toByteArray();
                }
                out.write(chunk, 0, read);
                if (out.size() > maxResponseBytes) {
                    throw new ProtocolException("response exceeds " + maxResponseBytes + " bytes");
                }
            }
        } catch (IOException e) {
            if (expired.get()) {
                throw ProbeFailures.timedOut(deadline);
            }
            throw e;
        } finally {
            guard.cancel(false);
        }
    }

    private void abandon(CompletableFuture<HttpResponse<InputStream>> future) {
        future.cancel(true);
        // a response that arrives anyway must not keep its connection open
        future.thenAccept(response -> closeAbandoned(response.body()));
    }

    private static void closeAbandoned(InputStream body) {
        try {
            body.close();
        } catch (IOException e) {
            LOG.debug("Closing an abandoned response body failed: {}", e.toString());
        }
    }

    private static long remainingNanos(long end) {
        return Math.max(0, end - System.nanoTime());
    }

    private static Duration remaining(long end, Duration deadline) throws HttpTimeoutException {
        long nanos = remainingNanos(end);
        if (nanos == 0) {
            throw ProbeFailures.timedOut(deadline);
        }
        return Duration.ofNanos(nanos);
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            // over 292 years: as good as forever, and end = now + this must not overflow
            return Long.MAX_VALUE / 2;
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Builds an {@link HttpNodeProbe}. Not thread-safe; {@link #build()} copies its state, so a builder can be
     * reused.
     */
    public static final class Builder {
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
        private Supplier<String> token;

        private Builder() {
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
