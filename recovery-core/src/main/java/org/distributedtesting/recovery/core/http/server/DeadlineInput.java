package org.distributedtesting.recovery.core.http.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The input of one connection, read against the deadline of the part of the request it is in (its headers, its
 * body). A read timeout alone bounds each wait for a byte, so a client that sends one byte just inside it could
 * hold a connection for ever; here every read waits at most for the time left until the deadline, and a read at
 * or past it fails, however the client spaces its bytes.
 *
 * <p>Not thread-safe: the connection's own thread reads it.
 */
final class DeadlineInput extends InputStream {

    /** Sets the read timeout of the underlying socket in milliseconds, as {@link java.net.Socket#setSoTimeout}. */
    @FunctionalInterface
    interface ReadTimeout {
        void set(int millis) throws SocketException;
    }

    /** A part of the request that did not arrive before its deadline. */
    static final class Exceeded extends SocketTimeoutException {
        private static final long serialVersionUID = 1L;

        Exceeded(String message) {
            super(message);
        }
    }

    private final InputStream in;
    private final ReadTimeout readTimeout;
    private final Clock clock;
    private Instant deadline;
    private String part;
    private Duration allowed;

    /**
     * @param in          the socket's input
     * @param readTimeout sets the socket's read timeout before each read
     * @param clock       tells how much time is left
     */
    DeadlineInput(InputStream in, ReadTimeout readTimeout, Clock clock) {
        this.in = Objects.requireNonNull(in, "in");
        this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Reads from now on until {@code deadline}.
     *
     * @param part    what is read until then, for the message of {@link Exceeded}: {@code "request headers"}
     * @param allowed how long the part was given, for the same message
     */
    void until(Instant deadline, String part, Duration allowed) {
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.part = Objects.requireNonNull(part, "part");
        this.allowed = Objects.requireNonNull(allowed, "allowed");
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int read = read(one, 0, 1);
        return read < 0 ? -1 : one[0] & 0xff;
    }

    /**
     * @throws Exceeded    if the deadline has passed, or passes before a byte arrives
     * @throws IOException if the socket fails
     */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (deadline == null) {
            throw new IllegalStateException("no deadline set: call until(...) before reading");
        }
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw exceeded();
        }
        readTimeout.set(timeoutMillis(left));
        try {
            return in.read(b, off, len);
        } catch (SocketTimeoutException e) {
            Exceeded exceeded = exceeded();
            exceeded.initCause(e);
            throw exceeded;
        }
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** The time left in whole milliseconds, rounded up: a socket timeout of 0 would mean "wait for ever". */
    private static int timeoutMillis(Duration left) {
        long millis = left.toMillis() + (left.toNanosPart() % 1_000_000 == 0 ? 0 : 1);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, millis));
    }

    private Exceeded exceeded() {
        return new Exceeded(part + " not received within " + allowed);
    }
}
