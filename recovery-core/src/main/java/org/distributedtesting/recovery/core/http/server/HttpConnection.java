package org.distributedtesting.recovery.core.http.server;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.distributedtesting.recovery.core.http.codec.JsonReads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of {@link NodeProtocolServer}, served on a thread of its own: one request, read against two
 * deadlines, then one answer, then the end of the connection.
 *
 * <ul>
 *   <li>The request line and headers must arrive within the header timeout of the connection's acceptance; a
 *       connection that misses it is closed without an answer.</li>
 *   <li>The body must arrive within the body timeout of the end of the headers; a request that misses it is
 *       answered 408, unless it was answered already (a 401 before its body).</li>
 *   <li>After the answer the server sends its end of the connection and reads and drops what the client still
 *       sends, until the client closes or the body deadline passes, so that a client whose body was refused
 *       unread (401, 413) gets the answer instead of a reset.</li>
 * </ul>
 *
 * <p>Not thread-safe: {@link #run()} runs once, on the connection's own thread.
 */
final class HttpConnection implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);
    private static final int BUFFER_BYTES = 8192;
    /** The most bytes dropped after the answer while waiting for the client to close. */
    private static final int MAX_DRAIN_BYTES = 256 * 1024;

    private final Socket socket;
    private final Instant accepted;
    private final Duration headerTimeout;
    private final Duration bodyTimeout;
    private final Exchange.Handler handler;
    private final Clock clock;
    private final ServerName server;

    /**
     * @param accepted when the connection was accepted, the start of its header deadline
     */
    HttpConnection(Socket socket, Instant accepted, Duration headerTimeout, Duration bodyTimeout,
                   Exchange.Handler handler, Clock clock, ServerName server) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.accepted = Objects.requireNonNull(accepted, "accepted");
        this.headerTimeout = Objects.requireNonNull(headerTimeout, "headerTimeout");
        this.bodyTimeout = Objects.requireNonNull(bodyTimeout, "bodyTimeout");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.server = Objects.requireNonNull(server, "server");
    }

    /** Serves the connection's request and closes it; never throws. */
    @Override
    public void run() {
        try (socket) {
            serve();
        } catch (DeadlineInput.Exceeded e) {
            LOG.debug("{} closed the connection from {}: {}", server, socket.getRemoteSocketAddress(),
                    e.getMessage());
        } catch (IOException e) {
            LOG.debug("{} lost the connection from {}: {}", server, socket.getRemoteSocketAddress(),
                    e.toString());
        } catch (RuntimeException e) {
            LOG.warn("{} failed to serve a request from {}", server, socket.getRemoteSocketAddress(), e);
        }
    }

    private void serve() throws IOException {
        socket.setTcpNoDelay(true);
        DeadlineInput deadline = new DeadlineInput(socket.getInputStream(), socket::setSoTimeout, clock);
        deadline.until(accepted.plus(headerTimeout), "request headers", headerTimeout);
        InputStream in = new BufferedInputStream(deadline, BUFFER_BYTES);
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES);
        Exchange exchange;
        try {
            RequestHead head = RequestHead.read(in);
            if (head == null) {
                return; // closed without a request
            }
            deadline.until(clock.instant().plus(bodyTimeout), "request body", bodyTimeout);
            exchange = new Exchange(head, (InetSocketAddress) socket.getRemoteSocketAddress(),
                    RequestBody.of(head, in), out);
        } catch (MalformedRequest e) {
            LOG.debug("{} refused a malformed request from {}: {}", server, socket.getRemoteSocketAddress(),
                    e.getMessage());
            byte[] body = JsonReads.write(Exchanges.errorBody(e.getMessage()));
            Exchange.writeHead(out, e.status(), Map.of("Content-Type", "application/json"), "Content-Length",
                    Integer.toString(body.length));
            out.write(body);
            lingeringClose(in, out);
            return;
        }
        try {
            handler.handle(exchange);
        } catch (DeadlineInput.Exceeded e) {
            if (exchange.answerStarted()) {
                throw e;
            }
            LOG.debug("{} gave up on a request from {}: {}", server, exchange.remoteAddress(), e.getMessage());
            Exchanges.error(exchange, 408, e.getMessage());
        } catch (MalformedRequest e) {
            if (exchange.answerStarted()) {
                throw e;
            }
            Exchanges.error(exchange, e.status(), e.getMessage());
        }
        if (!exchange.answerStarted()) {
            throw new IllegalStateException("no answer to " + exchange.method() + " " + exchange.path());
        }
        if (exchange.answered()) {
            lingeringClose(in, out);
        }
        // otherwise the answer broke off: the connection closes without its end, which tells the client so
    }

    private void lingeringClose(InputStream in, OutputStream out) throws IOException {
        out.flush();
        socket.shutdownOutput();
        byte[] dropped = new byte[BUFFER_BYTES];
        long total = 0;
        try {
            for (int read = in.read(dropped); read >= 0 && total <= MAX_DRAIN_BYTES; read = in.read(dropped)) {
                total += read;
            }
        } catch (DeadlineInput.Exceeded e) {
            // the bound of the wait for the client's close: the connection closes all the same
            LOG.debug("{} closed the connection from {} that was still sending: {}", server,
                    socket.getRemoteSocketAddress(), e.getMessage());
        }
    }
}
