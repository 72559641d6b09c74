package org.distributedtesting.recovery.core.http.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One request and its answer on a connection of {@link NodeProtocolServer}: what the request says, its body, and
 * the answer, written once. Every answer ends the connection ({@code Connection: close}): a client sends one
 * request per connection, so a connection's deadlines are those of one request.
 *
 * <p>Not thread-safe: the connection's own thread handles its exchange.
 */
final class Exchange {

    /** Answers one exchange. */
    @FunctionalInterface
    interface Handler {
        /**
         * Answers {@code exchange}. An exception after the answer began ends the connection without finishing
         * it; {@link DeadlineInput.Exceeded} before it is answered 408.
         */
        void handle(Exchange exchange) throws IOException;
    }

    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final RequestHead head;
    private final InetSocketAddress remote;
    private final InputStream body;
    private final OutputStream out;
    private final Map<String, String> responseHeaders = new LinkedHashMap<>();
    private boolean continueSent;
    private boolean answerStarted;
    private boolean answered;

    /**
     * @param body the request's body, framed ({@link RequestBody})
     * @param out  the connection's output, buffered; the exchange flushes it once an answer is complete
     */
    Exchange(RequestHead head, InetSocketAddress remote, InputStream body, OutputStream out) {
        this.head = Objects.requireNonNull(head, "head");
        this.remote = Objects.requireNonNull(remote, "remote");
        this.body = Objects.requireNonNull(body, "body");
        this.out = Objects.requireNonNull(out, "out");
    }

    String method() {
        return head.method();
    }

    /** The decoded path, without the query. */
    String path() {
        return head.path();
    }

    /** The first value of the request header {@code name} (any case), or null. */
    String requestHeader(String name) {
        return head.header(name);
    }

    /** Every value of the request header {@code name} (any case), empty when the request has none. */
    List<String> requestHeaderValues(String name) {
        return head.headerValues(name);
    }

    boolean hasRequestHeader(String name) {
        return !head.headerValues(name).isEmpty();
    }

    InetSocketAddress remoteAddress() {
        return remote;
    }

    /**
     * The request's body. A client that waits for {@code 100 Continue} is sent it now, so that a request refused
     * before its body is read (a wrong token) is never invited to send it.
     */
    InputStream requestBody() throws IOException {
        if (head.expectsContinue() && !continueSent && !answerStarted) {
            continueSent = true;
            out.write(CONTINUE);
            out.flush();
        }
        return body;
    }

    /**
     * Sets a header of the answer; {@code Content-Length}, {@code Transfer-Encoding} and {@code Connection} are
     * the exchange's own.
     */
    void setResponseHeader(String name, String value) {
        responseHeaders.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    }

    /**
     * Answers with {@code code} and the whole {@code content}.
     *
     * @throws IllegalStateException if the exchange was answered already
     */
    void respond(int code, byte[] content) throws IOException {
        startAnswer();
        writeHead(out, code, responseHeaders, "Content-Length", Integer.toString(content.length));
        out.write(content);
        out.flush();
        answered = true;
    }

    /**
     * Answers with {@code code} and a body of unknown length, written to the stream this returns: chunked, so
     * that the body is complete only when the stream is closed (an HTTP/1.0 client gets the bare bytes, ended
     * by the connection's end).
     *
     * @throws IllegalStateException if the exchange was answered already
     */
    OutputStream respondStreaming(int code) throws IOException {
        startAnswer();
        boolean chunked = !head.version().equals("HTTP/1.0");
        writeHead(out, code, responseHeaders, chunked ? "Transfer-Encoding" : null, chunked ? "chunked" : null);
        OutputStream body = chunked ? new ChunkedOutput(out) : out;
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                body.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                body.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                body.flush();
            }

            @Override
            public void close() throws IOException {
                if (chunked) {
                    body.close();
                } else {
                    body.flush(); // the connection's output stays open: the connection ends it
                }
                answered = true;
            }
        };
    }

    /** Whether an answer was begun. */
    boolean answerStarted() {
        return answerStarted;
    }

    /** Whether a whole answer was written. */
    boolean answered() {
        return answered;
    }

    /**
     * Writes the status line and headers of an answer, with {@code Connection: close}.
     *
     * @param framing the header that frames the body ({@code Content-Length}), or null for a body ended by the
     *                connection's end
     */
    static void writeHead(OutputStream out, int code, Map<String, String> headers, String framing, String value)
            throws IOException {
        StringBuilder head = new StringBuilder(256).append("HTTP/1.1 ").append(code).append(' ')
                .append(reason(code)).append("\r\n");
        headers.forEach((name, v) -> head.append(name).append(": ").append(v).append("\r\n"));
        if (framing != null) {
            head.append(framing).append(": ").append(value).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private void startAnswer() {
        if (answerStarted) {
            throw new IllegalStateException("the exchange was answered already");
        }
        answerStarted = true;
    }

    private static String reason(int code) {
        return switch (code) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + code;
        };
    }
}
