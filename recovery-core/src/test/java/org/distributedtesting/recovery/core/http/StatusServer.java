package org.distributedtesting.recovery.core.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.distributedtesting.recovery.NodeSpec;

/**
 * A real HTTP server on 127.0.0.1 and an ephemeral port that plays one node: its handler answers every path
 * ({@code /api/status}, the control paths). Handlers that stall wait on {@link #released()}, which
 * {@link #close()} opens, so no handler outlives its test.
 *
 * <p>Not thread-safe to configure; handlers run on the server's daemon threads.
 */
public final class StatusServer implements AutoCloseable {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final HttpServer server;
    private final ExecutorService executor;
    private final CountDownLatch released = new CountDownLatch(1);

    private StatusServer(HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "status-server-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", handler);
        server.start();
    }

    /** A server whose every path is answered by {@code handler}. */
    public static StatusServer start(HttpHandler handler) throws IOException {
        return new StatusServer(handler);
    }

    /** A server that answers every request with {@code status} and {@code body}. */
    public static StatusServer answering(int status, byte[] body) throws IOException {
        return start(exchange -> respond(exchange, status, body));
    }

    public static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Opens when the test ends; stalling handlers wait on it. */
    public CountDownLatch released() {
        return released;
    }

    /** Blocks a stalling handler until the test ends. */
    public void awaitRelease() throws IOException {
        try {
            released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("handler interrupted", e);
        }
    }

    /** Waits up to {@code wait} for the test to end, as a handler's pace; whether it has. */
    public boolean releasedWithin(Duration wait) throws IOException {
        try {
            return released.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("handler interrupted", e);
        }
    }

    /** The node this server plays, named {@code id}. */
    public NodeSpec node(String id) {
        return NodeSpec.of(id, "127.0.0.1", server.getAddress().getPort(), Path.of("/srv", id));
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
