package org.distributedtesting.recovery.core.http.server;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.core.http.codec.JsonReads;

/**
 * The request line and headers of one HTTP/1.x request, and how they are read off a connection.
 *
 * <p>Immutable.
 *
 * @param method  the method, as sent ({@code GET})
 * @param path    the decoded path of the request target, without its query ({@code /api/status})
 * @param version {@code HTTP/1.1} or {@code HTTP/1.0}
 * @param headers every header's values by its name in lower case
 */
record RequestHead(String method, String path, String version, Map<String, List<String>> headers) {

    /** The most bytes the request line and headers may take together: 16 KiB. */
    static final int MAX_BYTES = 16 * 1024;

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern VERSION = Pattern.compile("HTTP/\\d\\.\\d");

    RequestHead {
        headers = headers.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> List.copyOf(e.getValue())));
    }

    /**
     * Reads a request's line and headers, up to and including the empty line that ends them.
     *
     * @return the request's head, or null when the client closed the connection before sending a byte of it
     * @throws MalformedRequest if it is not an HTTP/1.x request or exceeds {@link #MAX_BYTES}
     * @throws EOFException     if the client closed the connection in the middle of it
     * @throws IOException      if reading fails, or its deadline passes ({@link DeadlineInput.Exceeded})
     */
    static RequestHead read(InputStream in) throws IOException {
        LineReader lines = new LineReader(in);
        String requestLine = lines.next();
        // a client may send empty lines before a request (RFC 9112, 2.2)
        while (requestLine != null && requestLine.isEmpty()) {
            requestLine = lines.next();
        }
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || !TOKEN.matcher(parts[0]).matches()) {
            throw new MalformedRequest(400, "malformed request line: " + JsonReads.shorten(requestLine));
        }
        String version = parts[2];
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw VERSION.matcher(version).matches()
                    ? new MalformedRequest(505, JsonReads.shorten(version) + " is not supported; use HTTP/1.1")
                    : new MalformedRequest(400, "malformed request line: " + JsonReads.shorten(requestLine));
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = lines.next(); !line.isEmpty(); line = lines.next()) {
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon);
            if (!TOKEN.matcher(name).matches()) {
                // also a folded line (starting with white space), which RFC 9112 lets a server reject
                throw new MalformedRequest(400, "malformed header line: " + JsonReads.shorten(line));
            }
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
        return new RequestHead(parts[0], path(parts[1]), version, headers);
    }

    /** The first value of the header {@code name} (any case), or null when the request has none. */
    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null ? null : values.get(0);
    }

    /** Every value of the header {@code name} (any case), empty when the request has none. */
    List<String> headerValues(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** Whether the client waits for {@code 100 Continue} before it sends the body. */
    boolean expectsContinue() {
        return version.equals("HTTP/1.1") && "100-continue".equalsIgnoreCase(header("Expect"));
    }

    private static String path(String target) throws MalformedRequest {
        try {
            // origin form (/api/status?x) or absolute form (http://host:8081/api/status)
            String path = new URI(target).getPath();
            if (path != null && path.startsWith("/")) {
                return path;
            }
            if (path != null && path.isEmpty() && target.contains("://")) {
                return "/";
            }
        } catch (URISyntaxException e) {
            // answered below, as any other target that names no path
        }
        throw new MalformedRequest(400, "malformed request target: " + JsonReads.shorten(target));
    }

    /** Lines ended by LF (a CR before it dropped), in ISO-8859-1, counted against {@link #MAX_BYTES}. */
    private static final class LineReader {
        private final InputStream in;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        private int total;

        LineReader(InputStream in) {
            this.in = in;
        }

        /** The next line, or null at the end of the input before the line's first byte, only if it is the first. */
        String next() throws IOException {
            line.reset();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    if (total == 0) {
                        return null;
                    }
                    throw new EOFException("the client closed the connection in the request headers");
                }
                if (++total > MAX_BYTES) {
                    throw new MalformedRequest(431, "request headers exceed " + MAX_BYTES + " bytes");
                }
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
                }
                line.write(b);
            }
        }
    }
}
