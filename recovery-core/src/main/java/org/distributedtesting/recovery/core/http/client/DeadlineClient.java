package org.distributedtesting.recovery.core.http.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.CancellationException;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.probe.ProbeRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK {@link HttpClient} under {@link HttpNodeProbe} and {@link HttpNodeControl}, with exchanges that end by
 * their {@link Deadline} whatever the node does, so a node that never answers, never finishes its body or sends it
 * one byte at a time cannot hold the caller. Bodies are read up to a limit and no further. Two forms: the
 * asynchronous {@link #exchange} gathers a bounded body in memory with no thread waiting, and a watchdog task
 * abandons it at the deadline; the blocking {@link #send} waits for the response headers until the deadline and
 * streams the body, which a watchdog closes at the deadline.
 *
 * <p>Thread-safe. It owns its client's threads and the watchdog; {@link #close()} stops them.
 */
final class DeadlineClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadlineClient.class);
    private static final int READ_CHUNK_BYTES = 8192;

    private final Duration connectTimeout;
    private final ExecutorService clientExecutor;
    private final ScheduledExecutorService watchdog;
    private final HttpClient client;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param threadPrefix   names this client's threads, for example {@code http-probe-1}
     * @param connectTimeout how long opening a connection may take
     */
    DeadlineClient(String threadPrefix, Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
        this.clientExecutor = Executors.newCachedThreadPool(daemonThreads(threadPrefix + "-client-"));
        ScheduledThreadPoolExecutor guards = new ScheduledThreadPoolExecutor(1,
                daemonThreads(threadPrefix + "-watchdog-"));
        // an exchange that ends in time cancels its guard; drop it at once rather than keep it queued until its delay
        guards.setRemoveOnCancelPolicy(true);
        this.watchdog = guards;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(clientExecutor)
                .build();
    }

    boolean isClosed() {
        return closed.get();
    }

    /**
     * Sends {@code request} and waits for the response headers until the deadline.
     *
     * @param host the host asked, for the message when it does not resolve
     * @throws IOException          if the node cannot be reached or does not answer in time, with a short message
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    HttpResponse<InputStream> send(HttpRequest request, String host, Deadline deadline)
            throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<InputStream>> future = client.sendAsync(request, BodyHandlers.ofInputStream());
        try {
            return future.get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abandon(future);
            throw deadline.timedOut();
        } catch (InterruptedException e) {
            abandon(future);
            throw e;
        } catch (ExecutionException e) {
            throw ProbeFailures.transportFailure(e.getCause(), host, deadline, connectTimeout);
        }
    }

    /**
     * Sends {@code request} and gathers the response with its body in memory, without a thread waiting for either:
     * the returned future completes when the body has arrived, or fails when the node cannot be reached, the body
     * is longer than {@code maxBytes} bytes ({@link ProtocolException}, after the bytes that passed the limit; the
     * rest is never read), or the deadline passes first ({@code "timed out after N ms"}), whatever the node does.
     * A status for which {@code wanted} is false is answered with an empty body, unread.
     *
     * <p>Cancelling the returned future, or its ending any other way first, abandons the exchange: its connection
     * is closed, and a response that arrives anyway is dropped. Dependent stages run on the client's threads or
     * the watchdog, so they must not block.
     *
     * @param host   the host asked, for the message when it does not resolve
     * @param what   names the body in the message when it is too long, for example {@code "response"}
     * @param wanted which statuses have a body worth reading
     */
    CompletableFuture<HttpResponse<byte[]>> exchange(HttpRequest request, String host, Deadline deadline,
                                                     long maxBytes, String what, IntPredicate wanted) {
        CompletableFuture<HttpResponse<byte[]>> result = new CompletableFuture<>();
        AtomicReference<BoundedBody> body = new AtomicReference<>();
        ScheduledFuture<?> guard = watchdog.schedule(() -> result.completeExceptionally(deadline.timedOut()),
                deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        CompletableFuture<HttpResponse<byte[]>> http;
        try {
            http = client.sendAsync(request, info -> {
                BoundedBody subscriber = new BoundedBody(maxBytes, what, wanted.test(info.statusCode()));
                body.set(subscriber);
                if (result.isDone()) {
                    subscriber.abort(new CancellationException("the exchange was abandoned"));
                }
                return subscriber;
            });
        } catch (RuntimeException e) {
            guard.cancel(false);
            throw e;
        }
        http.whenComplete((response, failure) -> {
            if (failure == null) {
                result.complete(response);
                return;
            }
            BoundedBody subscriber = body.get();
            ProtocolException tooLong = subscriber == null ? null : subscriber.tooLong();
            result.completeExceptionally(tooLong != null ? tooLong
                    : ProbeFailures.transportFailure(failure, host, deadline, connectTimeout));
        });
        result.whenComplete((response, failure) -> {
            guard.cancel(false);
            if (failure != null && !http.isDone()) {
                BoundedBody subscriber = body.get();
                if (subscriber != null) {
                    subscriber.abort(failure);
                }
                http.cancel(true);
            }
        });
        return result;
    }

    /**
     * Waits for {@code future} of an exchange and reports its failure as the blocking calls do; an interrupt
     * abandons the exchange.
     *
     * @throws IOException          if the exchange failed with one
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    static <T> T await(CompletableFuture<T> future) throws IOException, InterruptedException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = ProbeRunner.unwrap(e.getCause());
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException("exchange failed: " + cause, cause);
        }
    }

    /**
     * Cancels {@code upstream} when {@code downstream} ends before it, for example when the caller cancels a
     * dependent stage: a dependent's cancellation does not reach the stage it depends on by itself.
     */
    static void abandonWhenDone(CompletableFuture<?> downstream, CompletableFuture<?> upstream) {
        downstream.whenComplete((value, failure) -> {
            if (!upstream.isDone()) {
                upstream.cancel(true);
            }
        });
    }

    /**
     * Reads a whole body of at most {@code maxBytes} bytes, by the deadline.
     *
     * @param what names the body in the message when it is too long, for example {@code "response"}
     * @throws ProtocolException if the body is longer, after reading one byte more
     * @throws IOException       if the deadline passes first or the connection fails
     */
    byte[] readBounded(InputStream body, int maxBytes, Deadline deadline, String what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(READ_CHUNK_BYTES, maxBytes + 1));
        copyBounded(body, out, maxBytes, deadline, what);
        return out.toByteArray();
    }

    /**
     * Copies a body of at most {@code maxBytes} bytes to {@code out} on the calling thread, by the deadline;
     * returns the number of bytes copied. The stream's blocking read cannot time out on its own and ignores
     * interrupts, so a watchdog closes the stream at the deadline; a closed stream ends a blocked read at once.
     *
     * @throws ProtocolException if the body is longer, after reading one byte more
     * @throws IOException       if the deadline passes first, the connection fails or {@code out} cannot be written
     */
    long copyBounded(InputStream body, OutputStream out, long maxBytes, Deadline deadline, String what)
            throws IOException {
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> guard = watchdog.schedule(() -> {
            expired.set(true);
            closeAbandoned(body);
        }, deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        try {
            byte[] chunk = new byte[READ_CHUNK_BYTES];
            long copied = 0;
            while (true) {
                if (expired.get() || deadline.passed()) {
                    throw deadline.timedOut();
                }
                int wanted = (int) Math.min(chunk.length, saturatedAdd(maxBytes, 1) - copied);
                int read = body.read(chunk, 0, wanted);
                if (read < 0) {
                    return copied;
                }
                out.write(chunk, 0, read);
                copied += read;
                if (copied > maxBytes) {
                    throw new ProtocolException(what + " exceeds " + maxBytes + " bytes");
                }
            }
        } catch (IOException e) {
            if (expired.get()) {
                throw deadline.timedOut();
            }
            throw e;
        } finally {
            guard.cancel(false);
        }
    }

    /**
     * Stops this client's threads. An exchange running now fails at once or, if it is still waiting for response
     * headers, by its deadline. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            // run the pending watchdogs instead of dropping them: each closes a body a caller may be blocked on
            for (Runnable pendingGuard : watchdog.shutdownNow()) {
                pendingGuard.run();
            }
            clientExecutor.shutdownNow();
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

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < a ? Long.MAX_VALUE : sum;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
