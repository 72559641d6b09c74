package org.distributedtesting.recovery.core.http.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.distributedtesting.recovery.core.http.codec.JsonReads;

/**
 * Answers and request bodies on the server side of the node protocol.
 *
 * <p>Stateless and thread-safe.
 */
final class Exchanges {

    private static final int READ_CHUNK_BYTES = 8192;

    private Exchanges() {
    }

    /** Answers {@code code} with a JSON body. */
    static void json(HttpExchange exchange, int code, JsonNode body) throws IOException {
        byte[] bytes = JsonReads.write(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Answers {@code code} with {@code {"error": message}}. */
    static void error(HttpExchange exchange, int code, String message) throws IOException {
        json(exchange, code, JsonReads.MAPPER.createObjectNode().put("error", message));
    }

    /** Answers 405, naming the method the path takes. */
    static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
        exchange.getResponseHeaders().set("Allow", allowed);
        error(exchange, 405, exchange.getRequestURI().getPath() + " takes " + allowed + ", not "
                + exchange.getRequestMethod());
    }

    /**
     * The request body, or null when it is longer than {@code maxBytes}: a declared {@code Content-Length} over
     * the limit is refused before reading, a body without one after reading one byte more.
     */
    static byte[] body(HttpExchange exchange, int maxBytes) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null && isLongerThan(declared, maxBytes)) {
            return null;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(Math.min(READ_CHUNK_BYTES, maxBytes + 1));
        byte[] chunk = new byte[READ_CHUNK_BYTES];
        InputStream in = exchange.getRequestBody();
        while (true) {
            int read = in.read(chunk, 0, Math.min(chunk.length, maxBytes + 1 - body.size()));
            if (read < 0) {
                return body.toByteArray();
            }
            body.write(chunk, 0, read);
            if (body.size() > maxBytes) {
                return null;
            }
        }
    }

    private static boolean isLongerThan(String contentLength, int maxBytes) {
        try {
            return Long.parseLong(contentLength.strip()) > maxBytes;
        } catch (NumberFormatException e) {
            // the server itself rejects a malformed length before a handler runs; read and count instead
            return false;
        }
    }
}
