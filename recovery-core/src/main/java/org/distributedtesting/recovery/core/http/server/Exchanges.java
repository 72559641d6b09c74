package org.distributedtesting.recovery.core.http.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
    static void json(Exchange exchange, int code, JsonNode body) throws IOException {
        exchange.setResponseHeader("Content-Type", "application/json");
        exchange.respond(code, JsonReads.write(body));
    }

    /** Answers {@code code} with {@code {"error": message}}. */
    static void error(Exchange exchange, int code, String message) throws IOException {
        json(exchange, code, errorBody(message));
    }

    /** {@code {"error": message}}. */
    static JsonNode errorBody(String message) {
        return JsonReads.MAPPER.createObjectNode().put("error", message);
    }

    /** Answers 405, naming the method the path takes. */
    static void methodNotAllowed(Exchange exchange, String allowed) throws IOException {
        exchange.setResponseHeader("Allow", allowed);
        error(exchange, 405, JsonReads.shorten(exchange.path()) + " takes " + allowed + ", not "
                + exchange.method());
    }

    /**
     * The request body, or null when it is longer than {@code maxBytes}: a declared {@code Content-Length} over
     * the limit is refused before reading, a body without one after reading one byte more.
     */
    static byte[] body(Exchange exchange, int maxBytes) throws IOException {
        String declared = exchange.requestHeader("Content-Length");
        if (declared != null && Long.parseLong(declared) > maxBytes) {
            // the connection framed the body by this header, so it is a number of bytes
            return null;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(Math.min(READ_CHUNK_BYTES, maxBytes + 1));
        byte[] chunk = new byte[READ_CHUNK_BYTES];
        InputStream in = exchange.requestBody();
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
}
