package org.distributedtesting.recovery.core.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.distributedtesting.recovery.core.journal.JournalRecords;

/** Building notification bodies. Stateless and thread-safe. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write a notification", e);
        }
    }

    /** A failure's evidence as a JSON object, in the journal's value shapes. */
    static JsonNode evidence(Map<String, Object> evidence) {
        return MAPPER.valueToTree(JournalRecords.jsonValue(evidence));
    }
}
