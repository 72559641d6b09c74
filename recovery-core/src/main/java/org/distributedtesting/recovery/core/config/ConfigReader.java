package org.distributedtesting.recovery.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Typed access to a JSON tree in which every failure names its key path, in the one-line format
 * {@code <source>: <keypath>: <problem>}. The whole line is {@linkplain MessageText#escape escaped}, so no
 * character of the file (in a value, a key or Jackson's description of bad JSON) reaches a terminal raw.
 *
 * <p>Immutable and thread-safe.
 */
final class ConfigReader {

    /** A key path this long comes from an unknown key of that length; the message shows its start. */
    private static final int MAX_SHOWN_KEY_PATH_LENGTH = 200;

    private final String source;

    /** @param source how messages name the configuration, for example the file path as given */
    ConfigReader(String source) {
        this.source = source;
    }

    /** An exception for {@code keyPath} ({@code ""} for the whole configuration). */
    ConfigException fail(String keyPath, String problem) {
        return fail(keyPath, problem, null);
    }

    /** An exception for {@code keyPath} ({@code ""} for the whole configuration), caused by {@code cause}. */
    ConfigException fail(String keyPath, String problem, Throwable cause) {
        String message = MessageText.escape(keyPath.isEmpty() ? source + ": " + problem
                : source + ": " + MessageText.shorten(keyPath, MAX_SHOWN_KEY_PATH_LENGTH) + ": " + problem);
        return cause == null ? new ConfigException(keyPath, message) : new ConfigException(keyPath, message, cause);
    }

    /** {@code value} as messages quote it: shortened, escaped, in single quotes. */
    static String quote(String value) {
        return MessageText.quote(value);
    }

    /** A path as messages quote it: escaped, in single quotes, shortened only when absurdly long. */
    static String quote(Path path) {
        return MessageText.quote(path, MessageText.MAX_SHOWN_PATH_LENGTH);
    }

    /** The path of {@code key} inside the object at {@code path}. */
    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The path of element {@code index} of the array at {@code path}. */
    static String element(String path, int index) {
        return path + "[" + index + "]";
    }

    /** Rejects any key of {@code object} not in {@code known}, suggesting a close known key. */
    void onlyKnownKeys(ObjectNode object, String path, List<String> known) {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw fail(child(path, name), "unknown key " + quote(name) + "; " + KeySuggestion.hint(name, known));
            }
        }
    }

    /** The value of a required key. */
    JsonNode required(ObjectNode object, String path, String key) {
        JsonNode value = object.get(key);
        if (value == null) {
            throw fail(child(path, key), "is required");
        }
        return value;
    }

    /** The value of an optional key; JSON {@code null} counts as present, so it gets a type error. */
    static Optional<JsonNode> optional(ObjectNode object, String key) {
        return Optional.ofNullable(object.get(key));
    }

    ObjectNode object(JsonNode value, String path) {
        if (!value.isObject()) {
            throw fail(path, "must be an object, but was " + describe(value));
        }
        return (ObjectNode) value;
    }

    ArrayNode array(JsonNode value, String path) {
        if (!value.isArray()) {
            throw fail(path, "must be an array, but was " + describe(value));
        }
        return (ArrayNode) value;
    }

    String string(JsonNode value, String path) {
        if (!value.isTextual()) {
            throw fail(path, "must be a string, but was " + describe(value));
        }
        return value.textValue();
    }

    String nonBlankString(JsonNode value, String path) {
        String text = string(value, path);
        if (text.isBlank()) {
            throw fail(path, "must not be blank");
        }
        return text;
    }

    /** Every element of an array of strings. */
    List<String> strings(JsonNode value, String path) {
        ArrayNode array = array(value, path);
        List<String> result = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            result.add(string(array.get(i), element(path, i)));
        }
        return result;
    }

    boolean bool(JsonNode value, String path) {
        if (!value.isBoolean()) {
            throw fail(path, "must be true or false, but was " + describe(value));
        }
        return value.booleanValue();
    }

    /** A whole JSON number that fits an {@code int}; range checks are the caller's. */
    int wholeNumber(JsonNode value, String path) {
        if (!isWholeInt(value)) {
            throw fail(path, "must be a whole number, but was " + describe(value));
        }
        return value.asInt();
    }

    /** A whole JSON number in {@code min..max}. */
    int wholeNumberIn(JsonNode value, String path, int min, int max) {
        if (!isWholeInt(value) || value.asInt() < min || value.asInt() > max) {
            throw fail(path, "must be an integer in " + min + ".." + max + ", but was " + describe(value));
        }
        return value.asInt();
    }

    private static boolean isWholeInt(JsonNode value) {
        return value.isNumber() && value.canConvertToExactIntegral() && value.canConvertToInt();
    }

    /** A non-negative JSON number of seconds, fractions allowed, to nanosecond precision. */
    Duration seconds(JsonNode value, String path) {
        if (!value.isNumber() || !isFinite(value) || value.decimalValue().signum() < 0) {
            throw fail(path, "must be a number of seconds >= 0, but was " + describe(value));
        }
        BigDecimal nanos = value.decimalValue().movePointRight(9).setScale(0, RoundingMode.HALF_UP);
        try {
            return Duration.ofNanos(nanos.longValueExact());
        } catch (ArithmeticException tooLarge) {
            throw fail(path, "is too large for a number of seconds, was " + describe(value));
        }
    }

    private static boolean isFinite(JsonNode value) {
        return !value.isFloatingPointNumber() || Double.isFinite(value.doubleValue());
    }

    /** The value as a message shows it: JSON text, truncated, with its kind when that is the problem. */
    static String describe(JsonNode value) {
        if (value.isNull()) {
            return "null";
        }
        if (value.isObject()) {
            return "an object";
        }
        if (value.isArray()) {
            return "an array";
        }
        String text = value.toString();
        if (text.length() > MessageText.MAX_SHOWN_LENGTH) {
            text = text.substring(0, MessageText.MAX_SHOWN_LENGTH) + "...";
        }
        if (value.isTextual()) {
            return text + " (a string)";
        }
        if (value.isBoolean()) {
            return text + " (a boolean)";
        }
        return text;
    }
}
