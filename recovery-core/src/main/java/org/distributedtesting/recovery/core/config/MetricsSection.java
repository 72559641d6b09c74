package org.distributedtesting.recovery.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code metrics}: {@code {"listen": "127.0.0.1:9464"}}, where the daemon serves {@code /metrics},
 * {@code /health} and {@code /ready}. Without the section (or without {@code listen}) it serves nothing.
 *
 * <p>Stateless and thread-safe.
 */
final class MetricsSection {

    static final String KEY = "metrics";
    private static final String LISTEN = "listen";

    private MetricsSection() {
    }

    /** The listen address, if the section names one. */
    static Optional<ListenAddress> read(ConfigReader reader, JsonNode value) {
        ObjectNode section = reader.object(value, KEY);
        reader.onlyKnownKeys(section, KEY, List.of(LISTEN));
        String path = ConfigReader.child(KEY, LISTEN);
        return ConfigReader.optional(section, LISTEN).map(v -> {
            String text = reader.nonBlankString(v, path);
            try {
                return ListenAddress.parse(text);
            } catch (IllegalArgumentException e) {
                throw reader.fail(path, e.getMessage());
            }
        });
    }
}
