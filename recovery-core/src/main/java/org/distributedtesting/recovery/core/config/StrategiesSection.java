package org.distributedtesting.recovery.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.Settings;

/**
 * Reads {@code strategies}: per strategy name, an object of scalar settings. Which names are strategies and which
 * keys a strategy understands is the strategies' business, so they are checked by {@link ConfiguredStrategies},
 * not here; values must be numbers, booleans, strings or lists of those (such as
 * {@code "permanent_learners": ["node-4"]}).
 *
 * <p>Stateless and thread-safe.
 */
final class StrategiesSection {

    static final String KEY = "strategies";

    private StrategiesSection() {
    }

    /** Settings by strategy name. */
    static Map<String, Settings> read(ConfigReader reader, JsonNode value) {
        ObjectNode strategies = reader.object(value, KEY);
        Map<String, Settings> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : strategies.properties()) {
            String path = ConfigReader.child(KEY, entry.getKey());
            if (entry.getKey().isBlank()) {
                throw reader.fail(path, "a strategy name must not be blank");
            }
            result.put(entry.getKey(), settings(reader, reader.object(entry.getValue(), path), path));
        }
        return result;
    }

    private static Settings settings(ConfigReader reader, ObjectNode object, String path) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : object.properties()) {
            String key = ConfigReader.child(path, entry.getKey());
            values.put(entry.getKey(), entry.getValue().isArray()
                    ? list(reader, entry.getValue(), key) : scalar(reader, entry.getValue(), key));
        }
        return new Settings(values);
    }

    /** A JSON array of scalars (such as a list of node ids) as an unmodifiable list; nested arrays are refused. */
    private static List<Object> list(ConfigReader reader, JsonNode array, String path) {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode item = array.get(i);
            String itemPath = path + "[" + i + "]";
            if (item.isContainerNode()) {
                throw reader.fail(itemPath, "must be a number, true/false or a string, but was "
                        + ConfigReader.describe(item));
            }
            items.add(scalar(reader, item, itemPath));
        }
        return List.copyOf(items);
    }

    /** A JSON scalar as {@link Settings} holds it: Boolean, String, Long for whole numbers, else Double. */
    private static Object scalar(ConfigReader reader, JsonNode value, String path) {
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isIntegralNumber()) {
            if (!value.canConvertToLong()) {
                throw reader.fail(path, "is out of the 64-bit integer range, was " + ConfigReader.describe(value));
            }
            return value.longValue();
        }
        if (value.isNumber() && Double.isFinite(value.doubleValue())) {
            return value.doubleValue();
        }
        throw reader.fail(path, "must be a number, true/false or a string, but was " + ConfigReader.describe(value));
    }
}
