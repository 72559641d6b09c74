package org.distributedtesting.recovery.core.http.server;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import org.distributedtesting.recovery.core.http.codec.JsonReads;

/**
 * The body of a request as its head frames it: {@code Content-Length} bytes, a chunked body, or none. The streams
 * read the connection's input (and so its deadline) and end at the body's end, never reading into what follows.
 *
 * <p>Not thread-safe: the connection's own thread reads a body.
 */
final class RequestBody {

    /** The longest chunk-size line accepted (the size and any extensions). */
    private static final int MAX_CHUNK_LINE = 1024;

    private RequestBody() {
    }

    /**
     * The body of the request {@code head} heads, read from {@code in}.
     *
     * @throws MalformedRequest if the framing is ambiguous (both a length and a transfer coding, two lengths),
     *                          the length is not a number, or the transfer coding is not {@code chunked}
     */
    static InputStream of(RequestHead head, InputStream in) throws MalformedRequest {
        List<String> lengths = head.headerValues("Content-Length");
        String coding = head.header("Transfer-Encoding");
        if (coding != null) {
            if (!lengths.isEmpty()) {
                throw new MalformedRequest(400, "a request must not have both Content-Length and Transfer-Encoding");
            }
            if (!coding.equalsIgnoreCase("chunked")) {
                throw new MalformedRequest(501, "Transfer-Encoding " + JsonReads.shorten(coding)
                        + " is not supported; send Content-Length or chunked");
            }
            return new Chunked(in);
        }
        if (lengths.isEmpty()) {
            return InputStream.nullInputStream();
        }
        if (lengths.stream().distinct().count() > 1) {
            throw new MalformedRequest(400, "a request must not have two different Content-Length values");
        }
        return new Fixed(in, length(lengths.get(0)));
    }

    private static long length(String value) throws MalformedRequest {
        try {
            if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                return Long.parseLong(value);
            }
        } catch (NumberFormatException e) {
            // too many digits for a long: answered below
        }
        throw new MalformedRequest(400, "Content-Length must be a number of bytes, but was "
                + JsonReads.shorten(value));
    }

    /** A body of a declared length; a client that closes before its end has sent a broken request. */
    private static final class Fixed extends InputStream {
        private final InputStream in;
        private final long length;
        private long left;

        Fixed(InputStream in, long length) {
            this.in = in;
            this.length = length;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (left == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int read = in.read(b, off, (int) Math.min(len, left));
            if (read < 0) {
                throw new EOFException("the client closed the connection after " + (length - left) + " of "
                        + length + " body bytes");
            }
            left -= read;
            return read;
        }
    }

    /** A chunked body (RFC 9112, 7.1); chunk extensions and trailers are read and dropped. */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private long leftInChunk;
        private boolean started;
        private boolean ended;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (ended) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (leftInChunk == 0) {
                if (started) {
                    expectLineEnd();
                }
                started = true;
                leftInChunk = chunkSize(line(MAX_CHUNK_LINE));
                if (leftInChunk == 0) {
                    skipTrailers();
                    ended = true;
                    return -1;
                }
            }
            int read = in.read(b, off, (int) Math.min(len, leftInChunk));
            if (read < 0) {
                throw new EOFException("the client closed the connection inside a chunk of the body");
            }
            leftInChunk -= read;
            return read;
        }

        private void expectLineEnd() throws IOException {
            if (!line(2).isEmpty()) {
                throw new MalformedRequest(400, "malformed chunked body: a chunk is longer than its size");
            }
        }

        private void skipTrailers() throws IOException {
            int total = 0;
            int max = RequestHead.MAX_BYTES;
            for (String trailer = line(max); !trailer.isEmpty(); trailer = line(max)) {
                total += trailer.length();
                if (total > RequestHead.MAX_BYTES) {
                    throw new MalformedRequest(431, "request trailers exceed " + RequestHead.MAX_BYTES + " bytes");
                }
            }
        }

        private static long chunkSize(String line) throws MalformedRequest {
            int semicolon = line.indexOf(';');
            String size = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
            if (!size.isEmpty() && size.length() <= 15 && size.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                return Long.parseLong(size, 16);
            }
            throw new MalformedRequest(400, "malformed chunked body: chunk size " + JsonReads.shorten(size));
        }

        /** One line of at most {@code max} bytes before its LF; a CR before the LF is dropped. */
        private String line(int max) throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new EOFException("the client closed the connection inside a chunked body");
                }
                if (c == '\n') {
                    int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1
                            : line.length();
                    return line.substring(0, end);
                }
                if (line.length() >= max + 1) {
                    throw new MalformedRequest(400, "malformed chunked body: a line over " + max + " bytes");
                }
                line.append((char) c);
            }
        }
    }
}
