package org.distributedtesting.recovery.core.http.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts the connections of a {@link NodeProtocolServer} on a thread of its own, admits each within the
 * {@link ConnectionLimits}, and serves each admitted one on a thread of its own from a pool of at most
 * {@link ConnectionLimits#total()} threads, so no connection waits for another: a slow client holds only its own
 * connections, and a read request is never queued behind one. A connection over a cap is closed at once.
 *
 * <p>Thread-safe. {@link #close()} stops accepting, closes every open connection and stops the threads.
 */
final class Acceptor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Acceptor.class);
    /** How long the accept loop waits after accept itself failed (no file descriptors left), to not spin. */
    private static final Duration ACCEPT_BACKOFF = Duration.ofMillis(100);
    /** At most one warning about refused connections in this time; the others are counted into it. */
    private static final Duration REFUSAL_WARNING_INTERVAL = Duration.ofMinutes(1);
    private static final Duration IDLE_THREAD_KEEP_ALIVE = Duration.ofSeconds(30);

    private final ServerSocket listening;
    private final ConnectionLimits limits;
    private final BiFunction<Socket, Instant, Runnable> connection;
    private final Clock clock;
    private final ServerName server;
    private final ThreadPoolExecutor connections;
    private final Thread acceptLoop;
    /** Admitted connections not ended yet, closed by {@link #close()}. */
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    // only the accept loop's thread uses these two
    private Instant lastRefusalWarning;
    private int refusedSinceWarning;

    /**
     * Starts accepting on {@code listening}, a bound server socket it then owns.
     *
     * @param connection what serves an admitted connection, given the socket and when it was accepted
     */
    Acceptor(ServerSocket listening, ConnectionLimits limits, BiFunction<Socket, Instant, Runnable> connection,
             Clock clock, ServerName server) {
        this.listening = Objects.requireNonNull(listening, "listening");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.connection = Objects.requireNonNull(connection, "connection");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.server = Objects.requireNonNull(server, "server");
        AtomicInteger n = new AtomicInteger();
        // as many threads as connections may be open, so an admitted connection never waits for a thread (only,
        // for a moment, for one that is ending); idle ones end
        this.connections = new ThreadPoolExecutor(limits.total(), limits.total(),
                IDLE_THREAD_KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                runnable -> daemon(runnable, server.threads() + "-" + n.incrementAndGet()));
        this.connections.allowCoreThreadTimeOut(true);
        this.acceptLoop = daemon(this::acceptLoop, server.threads() + "-accept");
        this.acceptLoop.start();
    }

    @Override
    public void close() {
        closed = true;
        try {
            listening.close();
        } catch (IOException e) {
            LOG.debug("{} could not close its listening socket", server, e);
        }
        try {
            // it ends at once, its accept failing; joined so that no socket it accepted escapes the loop below
            acceptLoop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connections.shutdownNow();
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = listening.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("{} failed to accept a connection", server, e);
                    LockSupport.parkNanos(ACCEPT_BACKOFF.toNanos());
                }
                continue;
            }
            Instant accepted = clock.instant();
            InetAddress client = socket.getInetAddress();
            ConnectionLimits.Admission admission = limits.admit(client);
            if (admission != ConnectionLimits.Admission.ADMITTED) {
                refuse(socket, client, admission, accepted);
                continue;
            }
            open.add(socket);
            try {
                connections.execute(() -> {
                    try {
                        connection.apply(socket, accepted).run();
                    } finally {
                        end(socket, client);
                    }
                });
            } catch (RejectedExecutionException e) {
                // only after close() shut the pool down
                end(socket, client);
            }
        }
    }

    private void end(Socket socket, InetAddress client) {
        closeQuietly(socket);
        open.remove(socket);
        limits.release(client);
    }

    private void refuse(Socket socket, InetAddress client, ConnectionLimits.Admission why, Instant now) {
        closeQuietly(socket);
        refusedSinceWarning++;
        if (lastRefusalWarning == null || !now.isBefore(lastRefusalWarning.plus(REFUSAL_WARNING_INTERVAL))) {
            String cap = why == ConnectionLimits.Admission.CLIENT_AT_CAP
                    ? "it has " + limits.perClient() + " connections open (maxConnectionsPerClient)"
                    : "the server has " + limits.total() + " connections open (maxConnections)";
            LOG.warn("{} refused {} connection(s) since {}, the latest from {}: {}", server,
                    refusedSinceWarning, lastRefusalWarning == null ? "it started" : lastRefusalWarning,
                    client.getHostAddress(), cap);
            lastRefusalWarning = now;
            refusedSinceWarning = 0;
        } else {
            LOG.debug("{} refused a connection from {}: {}", server, client.getHostAddress(), why);
        }
    }

    private void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("{} could not close a connection from {}", server, socket.getRemoteSocketAddress(), e);
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
