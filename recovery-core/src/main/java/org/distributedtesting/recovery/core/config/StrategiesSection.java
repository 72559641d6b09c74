package org.distributedtesting.recovery.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.distributedtesting.recovery.Settings;

/**
 * Reads {@code strategies}: per strategy name, an object of scalar settings. Which keys a strategy understands
 * is the strategy's business, so keys are not checked here; values must be numbers, booleans or strings.
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
            values.put(entry.getKey(), scalar(reader, entry.getValue(), ConfigReader.child(path, entry.getKey())));
        }
        return new Settings(values);
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
