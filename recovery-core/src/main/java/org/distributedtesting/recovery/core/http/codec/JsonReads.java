package org.distributedtesting.recovery.core.http.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.http.NodeText;
import org.distributedtesting.recovery.core.http.ProtocolException;

/**
 * Typed reads of one member of a JSON object, each failing with a {@link ProtocolException} that names the
 * member's path (for example {@code resources.cpu_load}) and shows the offending value, shortened. Every string
 * read is {@linkplain NodeText#printable made printable}: what a node sends can never put a control character into
 * a message, a log line or the timeline.
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonReads {

    /** Reads and writes every body of the node protocol. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            // two values for one member would make a message ambiguous
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Longest rendering of an offending value in a message; a node's answer can be large. */
    private static final int MAX_VALUE_CHARS = 40;

    private JsonReads() {
    }

    /**
     * A body that must be one JSON object.
     *
     * @param what names the body in messages, for example {@code "response"} or {@code "request body"}
     * @throws ProtocolException if it is not JSON, empty, or not an object
     */
    public static JsonNode readObject(byte[] body, String what) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ProtocolException(what + " is not valid JSON" + where, e);
        } catch (IOException e) {
            throw new ProtocolException(what + " cannot be read as JSON", e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ProtocolException(what + " is empty");
        }
        if (!root.isObject()) {
            throw new ProtocolException(what + " must be a JSON object, but was " + render(root));
        }
        return root;
    }

    /** JSON text of a tree of strings, numbers, booleans, arrays and objects. */
    public static byte[] write(JsonNode tree) {
        try {
            return MAPPER.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree of strings and numbers", e);
        }
    }

    /** The member, or empty when it is missing or JSON {@code null} (both mean "not reported"). */
    public static Optional<JsonNode> member(JsonNode object, String name) {
        JsonNode value = object.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    /** The member, which must be present and not {@code null}. */
    public static JsonNode required(JsonNode object, String name, String path) {
        return member(object, name).orElseThrow(() -> new ProtocolException(path + " is missing"));
    }

    public static String text(JsonNode value, String path) {
        if (!value.isTextual()) {
            throw wrongType(path, "a string", value);
        }
        return NodeText.printable(value.textValue());
    }

    /**
     * A node id: a string in the grammar of {@link NodeId#GRAMMAR}.
     *
     * @throws ProtocolException if it is not a string, or not a node id
     */
    public static NodeId nodeId(JsonNode value, String path) {
        String text = text(value, path);
        if (!NodeId.isValid(text)) {
            throw new ProtocolException(path + " must be a node id (" + NodeId.GRAMMAR + "), but was "
                    + render(value));
        }
        return NodeId.of(text);
    }

    /** An integral number that fits a {@code long} and is at least {@code min}. */
    static long integer(JsonNode value, String path, long min) {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw wrongType(path, "an integer", value);
        }
        long result = value.longValue();
        if (result < min) {
            throw new ProtocolException(path + " must be >= " + min + ", but was " + result);
        }
        return result;
    }

    /** A finite number that is at least 0. */
    static double nonNegativeNumber(JsonNode value, String path) {
        if (!value.isNumber()) {
            throw wrongType(path, "a number", value);
        }
        double result = value.doubleValue();
        if (!(result >= 0) || Double.isInfinite(result)) {
            throw new ProtocolException(path + " must be a finite number >= 0, but was " + render(value));
        }
        return result;
    }

    static boolean bool(JsonNode value, String path) {
        if (!value.isBoolean()) {
            throw wrongType(path, "a boolean", value);
        }
        return value.booleanValue();
    }

    static JsonNode object(JsonNode value, String path) {
        if (!value.isObject()) {
            throw wrongType(path, "an object", value);
        }
        return value;
    }

    static JsonNode array(JsonNode value, String path) {
        if (!value.isArray()) {
            throw wrongType(path, "an array", value);
        }
        return value;
    }

    /** An ISO-8601 instant such as {@code 2026-11-26T06:39:15Z}. */
    static Instant instant(JsonNode value, String path) {
        String text = text(value, path);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new ProtocolException(path + " must be an ISO-8601 instant, but was " + render(value));
        }
    }

    /**
     * One of {@code allowed}, compared case-insensitively; returns the lower-case form.
     *
     * @param allowed lower-case names, listed in the message when the value is none of them
     */
    static String oneOf(JsonNode value, String path, String... allowed) {
        String text = text(value, path).toLowerCase(Locale.ROOT);
        for (String name : allowed) {
            if (name.equals(text)) {
                return name;
            }
        }
        throw new ProtocolException(path + " must be one of " + String.join(", ", allowed) + ", but was "
                + render(value));
    }

    static ProtocolException wrongType(String path, String expected, JsonNode value) {
        return new ProtocolException(path + " must be " + expected + ", but was " + render(value));
    }

    /** The value as JSON text, cut to {@value #MAX_VALUE_CHARS} characters. */
    static String render(JsonNode value) {
        return shorten(value.toString());
    }

    /** The text cut to {@value #MAX_VALUE_CHARS} characters, with every character that changes its display escaped. */
    public static String shorten(String text) {
        return NodeText.printable(text.length() <= MAX_VALUE_CHARS ? text : text.substring(0, MAX_VALUE_CHARS) + "...",
                Integer.MAX_VALUE);
    }
}
