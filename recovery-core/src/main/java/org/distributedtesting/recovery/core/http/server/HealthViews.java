package org.distributedtesting.recovery.core.http.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.distributedtesting.recovery.core.http.codec.JsonReads;
import org.distributedtesting.recovery.core.http.codec.StatusJson;

/**
 * The read endpoints under {@code /api/health/}: each answers with a part of the full status answer of
 * {@code GET /api/status} ({@link StatusJson}) and the node's {@code node_id}.
 *
 * <p>Stateless and thread-safe.
 */
final class HealthViews {

    static final String DB = "/api/health/db";
    static final String LOG = "/api/health/log";
    static final String STATE_CHECKSUM = "/api/health/state_checksum";
    static final String OPERATIONS = "/api/health/operations";
    static final String RESOURCES = "/api/health/resources";

    /** Every health path, each answered by {@code GET}. */
    static final List<String> PATHS = List.of(DB, LOG, STATE_CHECKSUM, OPERATIONS, RESOURCES);

    private HealthViews() {
    }

    /**
     * The part of {@code status} that {@code path} shows.
     *
     * @param path   one of {@link #PATHS}
     * @param status a full status answer as {@link StatusJson#tree} writes it
     * @throws IllegalArgumentException if {@code path} is not a health path
     */
    static ObjectNode view(String path, ObjectNode status) {
        ObjectNode view = JsonReads.MAPPER.createObjectNode();
        view.set("node_id", status.get("node_id"));
        switch (path) {
            case DB -> view.setAll(member(status.get("integrity"), "database"));
            case LOG -> view.setAll(member(status.get("integrity"), "log"));
            case STATE_CHECKSUM -> view.setAll(member(status, "state_checksum"));
            case OPERATIONS -> {
                view.set("operations", status.get("operations"));
                view.set("queue_depth", status.get("queue_depth"));
            }
            case RESOURCES -> view.setAll(member(status, "resources"));
            default -> throw new IllegalArgumentException("not a health path: " + path);
        }
        return view;
    }

    /** The object member {@code name}, or an empty object when there is none (no state checksum yet). */
    private static ObjectNode member(JsonNode object, String name) {
        JsonNode value = object == null ? null : object.get(name);
        return value instanceof ObjectNode found ? found : JsonReads.MAPPER.createObjectNode();
    }
}
