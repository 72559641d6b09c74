package org.distributedtesting.recovery.core.http.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.distributedtesting.recovery.core.http.NodeText;
import org.distributedtesting.recovery.core.http.ProtocolException;

/**
 * Converts between JSON and the "JSON-friendly" maps of {@link org.distributedtesting.recovery.Action.Custom}
 * parameters and {@link org.distributedtesting.recovery.ActionResult.Done} data: strings, booleans, numbers,
 * lists and maps with string keys. Whole numbers are read back as {@link Long}, other numbers as {@link Double};
 * a member that is JSON {@code null} is left out (it means "not reported", and the maps take no nulls).
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonValues() {
    }

    /** A JSON object of the map; values that are none of the JSON-friendly types are written as strings. */
    static ObjectNode toJson(Map<String, ?> map) {
        ObjectNode object = NODES.objectNode();
        map.forEach((key, value) -> object.set(key, toJson(value)));
        return object;
    }

    private static JsonNode toJson(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof String text) {
            return NODES.textNode(text);
        }
        if (value instanceof Boolean flag) {
            return NODES.booleanNode(flag);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return NODES.numberNode(((Number) value).longValue());
        }
        if (value instanceof BigInteger big) {
            return NODES.numberNode(big);
        }
        if (value instanceof BigDecimal decimal) {
            return NODES.numberNode(decimal);
        }
        if (value instanceof Number number) {
            return NODES.numberNode(number.doubleValue());
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            map.forEach((key, member) -> object.set(String.valueOf(key), toJson(member)));
            return object;
        }
        if (value instanceof Collection<?> collection) {
            ArrayNode array = NODES.arrayNode();
            collection.forEach(element -> array.add(toJson(element)));
            return array;
        }
        return NODES.textNode(String.valueOf(value));
    }

    /**
     * The members of a JSON object as an unmodifiable map, nested values converted as described above.
     *
     * @param path names the object in messages
     * @throws ProtocolException if it is not an object, an array holds a {@code null}, or a number is not finite
     */
    static Map<String, Object> fromJson(JsonNode object, String path) {
        return fromJson(object, path, UnaryOperator.identity());
    }

    /**
     * As {@link #fromJson(JsonNode, String)}, passing every string (keys too) through {@code strings} first, for
     * example to redact a secret.
     */
    static Map<String, Object> fromJson(JsonNode object, String path, UnaryOperator<String> strings) {
        JsonReads.object(object, path);
        Map<String, Object> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            if (!member.getValue().isNull()) {
                result.put(strings.apply(NodeText.printable(member.getKey())),
                        value(member.getValue(), path + "." + JsonReads.shorten(member.getKey()), strings));
            }
        }
        return Collections.unmodifiableMap(result);
    }

    private static Object value(JsonNode value, String path, UnaryOperator<String> strings) {
        if (value.isTextual()) {
            return strings.apply(NodeText.printable(value.textValue()));
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            double number = value.doubleValue();
            if (!Double.isFinite(number)) {
                throw new ProtocolException(path + " must be a finite number, but was " + JsonReads.render(value));
            }
            return number;
        }
        if (value.isObject()) {
            return fromJson(value, path, strings);
        }
        if (value.isArray()) {
            List<Object> list = new ArrayList<>(value.size());
            for (int i = 0; i < value.size(); i++) {
                JsonNode element = value.get(i);
                if (element.isNull()) {
                    throw new ProtocolException(path + "[" + i + "] must not be null");
                }
                list.add(value(element, path + "[" + i + "]", strings));
            }
            return Collections.unmodifiableList(list);
        }
        throw JsonReads.wrongType(path, "a string, number, boolean, array or object", value);
    }
}
