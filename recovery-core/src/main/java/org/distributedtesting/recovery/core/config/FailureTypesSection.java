package org.distributedtesting.recovery.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.distributedtesting.recovery.FailureType;

/**
 * Reads {@code failure_types}: the standard failure types to watch, named case-insensitively, {@code -} accepted
 * for {@code _}.
 *
 * <p>Stateless and thread-safe.
 */
final class FailureTypesSection {

    static final String KEY = "failure_types";

    private static final List<String> KNOWN = FailureType.standard().stream().map(FailureType::name).toList();

    private FailureTypesSection() {
    }

    /** The named types; never empty, because an empty set means "all" to {@link RecoveryConfig}. */
    static Set<FailureType> read(ConfigReader reader, JsonNode value) {
        List<String> names = reader.strings(value, KEY);
        if (names.isEmpty()) {
            throw reader.fail(KEY, "must name at least one failure type; leave the key out to watch all of them");
        }
        Set<FailureType> types = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String path = ConfigReader.element(KEY, i);
            types.add(FailureType.standard(name).orElseThrow(() -> unknown(reader, name, path)));
        }
        return types;
    }

    private static ConfigException unknown(ConfigReader reader, String name, String path) {
        String suggestion = KeySuggestion.closest(name.replace('-', '_'), KNOWN)
                .map(k -> " (did you mean '" + k + "'?)")
                .orElse("");
        return reader.fail(path, "unknown failure type " + ConfigReader.quote(name) + suggestion + "; known types are "
                + String.join(", ", KNOWN));
    }
}
