package org.distributedtesting.recovery.core.http.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A response body in chunked transfer coding (RFC 9112, 7.1). Only {@link #close()} writes the last chunk, so a
 * body whose writer fails half-way, and whose connection is then closed, ends without it: the client sees a
 * broken transfer, never a short body that looks complete. Closing does not close the connection.
 *
 * <p>Not thread-safe: the connection's own thread writes it.
 */
final class ChunkedOutput extends OutputStream {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private boolean closed;

    ChunkedOutput(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("the response body is complete");
        }
        if (len == 0) {
            return; // an empty chunk would end the body
        }
        out.write(Integer.toHexString(len).getBytes(StandardCharsets.US_ASCII));
        out.write(CRLF);
        out.write(b, off, len);
        out.write(CRLF);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Ends the body with the last chunk. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.write(LAST_CHUNK);
            out.flush();
        }
    }
}
