package org.distributedtesting.recovery.core.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One raw client connection to a server on the loopback address, for the server tests that write requests byte
 * for byte, and for hostile clients: it sends a request, or part of one and stalls, or trickles the rest one byte at
 * a time, and tells what the server sent and whether it has closed the connection. It can connect from any address
 * of 127.0.0.0/8, so that a test can play several clients on one machine (Linux routes the whole block to the
 * loopback interface).
 *
 * <p>{@link #trickle} writes from the scheduler's thread while the test thread polls; everything else belongs to
 * the test thread.
 */
public final class RawConnection implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    /** How long {@link #closedByServer()} waits for the server's next bytes before it says "still open". */
    private static final int POLL_MILLIS = 10;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    // only the test thread reads, so no lock: see the class comment
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private boolean closed;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects from {@code sourceAddress} (an address of 127.0.0.0/8) to {@code port} on 127.0.0.1.
     *
     * @throws IOException if the address cannot be bound or the server does not accept the connection
     */
    public static RawConnection open(String sourceAddress, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MILLIS);
            return new RawConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends {@code text} (US-ASCII) at once. */
    public RawConnection send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return this;
    }

    /** Sends {@code text} and reads until the server closes the connection; returns all it sent. */
    public String exchange(String text, Duration bound) throws IOException {
        send(text);
        long end = System.nanoTime() + bound.toNanos();
        while (!closedByServer()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("the server did not close the connection within " + bound
                        + "; it sent: " + received());
            }
        }
        return received();
    }

    /**
     * Sends {@code filler} once every {@code period} on {@code scheduler}, for ever: the task ends when the server
     * closes the connection (the write fails) or the test cancels it.
     */
    public ScheduledFuture<?> trickle(ScheduledExecutorService scheduler, char filler, Duration period) {
        return scheduler.scheduleAtFixedRate(() -> {
            try {
                out.write(filler);
                out.flush();
            } catch (IOException e) {
                // the server closed the connection: what the tests wait for; ends the periodic task
                throw new IllegalStateException("trickle ended: " + e.getMessage(), e);
            }
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether the server has closed (or reset) the connection. Reads whatever the server sent meanwhile into
     * {@link #received()}; waits at most a few milliseconds for it.
     */
    public boolean closedByServer() throws IOException {
        if (closed) {
            return true;
        }
        socket.setSoTimeout(POLL_MILLIS);
        byte[] chunk = new byte[4096];
        try {
            while (true) {
                int read = in.read(chunk);
                if (read < 0) {
                    closed = true;
                    return true;
                }
                received.write(chunk, 0, read);
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            // "Connection reset": the server closed with bytes of ours unread, a close as well
            closed = true;
            return true;
        }
    }

    /** What the server has sent so far, as far as {@link #closedByServer()} has read it. */
    public String received() {
        return received.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
