package org.distributedtesting.recovery.core.http.codec;

import static org.distributedtesting.recovery.core.http.codec.JsonReads.array;
import static org.distributedtesting.recovery.core.http.codec.JsonReads.bool;
import static org.distributedtesting.recovery.core.http.codec.JsonReads.instant;
import static org.distributedtesting.recovery.core.http.codec.JsonReads.integer;
import static org.distributedtesting.recovery.core.http.codec.JsonReads.member;
import static org.distributedtesting.recovery.core.http.codec.JsonReads.nonNegativeNumber;
import static org.distributedtesting.recovery.core.http.codec.JsonReads.object;
import static org.distributedtesting.recovery.core.http.codec.JsonReads.oneOf;
import static org.distributedtesting.recovery.core.http.codec.JsonReads.required;
import static org.distributedtesting.recovery.core.http.codec.JsonReads.text;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Operation;
import org.distributedtesting.recovery.Resources;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;
import org.distributedtesting.recovery.core.http.ProtocolException;

/**
 * Converts between {@link NodeStatus} and the JSON body of the node protocol's {@code GET /api/status}:
 * <pre>{@code
 * {"node_id":"node-1","role":"follower","term":3,"leader_id":"node-2",
 *  "commit_index":10,"applied_index":10,"last_log_index":10,
 *  "state_checksum":{"value":"9f2c","index":10},"voter":true,
 *  "resources":{"cpu_load":0.12,"memory_used":1000,"memory_limit":4000,"disk_used":10,"disk_limit":100,
 *               "open_files":12,"file_limit":1024},
 *  "operations":[{"id":"op-1","kind":"apply","started_at":"2026-11-26T06:39:15Z"}],"queue_depth":0,
 *  "integrity":{"database":{"status":"ok","detail":"integrity_check ok"},
 *               "log":{"status":"failed","detail":"checksum mismatch at 42"}},
 *  "peers":{"node-2":true,"node-3":false},"elections_started":2,"elections_paused":false}
 * }</pre>
 * Every member is optional; a missing member (or JSON {@code null}) keeps the {@link NodeStatus#builder()}
 * default, and so does a missing member of {@code resources} (0) or an integrity check's missing
 * {@code detail}. An empty {@code leader_id} means no known leader; any other {@code leader_id}, and every key of
 * {@code peers}, must be a node id ({@link NodeId#GRAMMAR}). Every string is made printable
 * ({@link org.distributedtesting.recovery.core.http.NodeText}). Members this version does not know are
 * ignored, so nodes can add fields. A member of the wrong type or out of range, an unknown {@code role} or
 * integrity {@code status}, duplicate members and trailing text are protocol errors.
 *
 * <p>Stateless and thread-safe.
 */
public final class StatusJson {

    private static final String[] ROLES = {"leader", "follower", "candidate", "learner"};
    private static final String[] INTEGRITY_STATUSES = {"ok", "failed", "unknown"};

    private StatusJson() {
    }

    /**
     * Reads a status answer.
     *
     * @param expectedNode the node that was asked; an answer naming another node in {@code node_id} is rejected,
     *                     so a misconfigured port cannot pass for a healthy node
     * @param body         the response body, UTF-8 JSON
     * @return the status the node reports
     * @throws ProtocolException    if the body is not a status object as described above; the message names the
     *                              member
     * @throws NullPointerException if an argument is null
     */
    public static NodeStatus parse(NodeId expectedNode, byte[] body) {
        Objects.requireNonNull(expectedNode, "expectedNode");
        Objects.requireNonNull(body, "body");
        JsonNode root = JsonReads.readObject(body, "response");
        member(root, "node_id").map(v -> text(v, "node_id")).ifPresent(answered -> {
            if (!answered.equals(expectedNode.value())) {
                throw new ProtocolException("answered as node '" + JsonReads.shorten(answered) + "', expected '"
                        + expectedNode + "'");
            }
        });
        NodeStatus.Builder status = NodeStatus.builder();
        member(root, "role").map(StatusJson::role).ifPresent(status::role);
        member(root, "term").map(v -> integer(v, "term", -1)).ifPresent(status::term);
        member(root, "leader_id").filter(v -> !(v.isTextual() && v.textValue().isEmpty()))
                .map(v -> JsonReads.nodeId(v, "leader_id")).ifPresent(status::leader);
        member(root, "commit_index").map(v -> integer(v, "commit_index", -1)).ifPresent(status::commitIndex);
        member(root, "applied_index").map(v -> integer(v, "applied_index", -1)).ifPresent(status::appliedIndex);
        member(root, "last_log_index").map(v -> integer(v, "last_log_index", -1)).ifPresent(status::lastLogIndex);
        member(root, "state_checksum").map(StatusJson::stateChecksum).ifPresent(status::stateChecksum);
        member(root, "voter").map(v -> bool(v, "voter")).ifPresent(status::voter);
        member(root, "resources").map(StatusJson::resources).ifPresent(status::resources);
        member(root, "operations").map(StatusJson::operations).ifPresent(status::operations);
        member(root, "queue_depth").map(v -> integer(v, "queue_depth", -1)).ifPresent(status::queueDepth);
        member(root, "integrity").ifPresent(v -> {
            JsonNode integrity = object(v, "integrity");
            member(integrity, "database").map(d -> integrityCheck(d, "integrity.database"))
                    .ifPresent(status::database);
            member(integrity, "log").map(l -> integrityCheck(l, "integrity.log")).ifPresent(status::log);
        });
        member(root, "peers").map(StatusJson::peers).ifPresent(status::peerReachability);
        member(root, "elections_started").map(v -> integer(v, "elections_started", -1))
                .ifPresent(status::electionsStarted);
        member(root, "elections_paused").map(v -> bool(v, "elections_paused")).ifPresent(status::electionsPaused);
        return status.build();
    }

    /**
     * Writes a status answer that {@link #parse} reads back as an equal {@link NodeStatus}. Every field is
     * written except an {@link Role#UNKNOWN} role, an absent leader and an absent state checksum.
     *
     * @param node   the answering node, written as {@code node_id}
     * @param status what it reports
     * @return UTF-8 JSON
     * @throws NullPointerException if an argument is null
     */
    public static byte[] write(NodeId node, NodeStatus status) {
        return JsonReads.write(tree(node, status));
    }

    /** The status answer as a JSON tree, for the server's views of parts of it. */
    public static ObjectNode tree(NodeId node, NodeStatus status) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(status, "status");
        ObjectNode root = JsonReads.MAPPER.createObjectNode();
        root.put("node_id", node.value());
        if (status.role() != Role.UNKNOWN) {
            root.put("role", status.role().name().toLowerCase(Locale.ROOT));
        }
        root.put("term", status.term());
        status.leader().ifPresent(leader -> root.put("leader_id", leader.value()));
        root.put("commit_index", status.commitIndex());
        root.put("applied_index", status.appliedIndex());
        root.put("last_log_index", status.lastLogIndex());
        status.stateChecksum().ifPresent(checksum -> root.putObject("state_checksum")
                .put("value", checksum.value())
                .put("index", checksum.index()));
        root.put("voter", status.voter());
        Resources resources = status.resources();
        root.putObject("resources")
                .put("cpu_load", resources.cpuLoad())
                .put("memory_used", resources.memoryUsed())
                .put("memory_limit", resources.memoryLimit())
                .put("disk_used", resources.diskUsed())
                .put("disk_limit", resources.diskLimit())
                .put("open_files", resources.openFiles())
                .put("file_limit", resources.fileLimit());
        ArrayNode operations = root.putArray("operations");
        for (Operation operation : status.operations()) {
            operations.addObject()
                    .put("id", operation.id())
                    .put("kind", operation.kind())
                    .put("started_at", operation.startedAt().toString());
        }
        root.put("queue_depth", status.queueDepth());
        ObjectNode integrity = root.putObject("integrity");
        writeIntegrity(integrity.putObject("database"), status.database());
        writeIntegrity(integrity.putObject("log"), status.log());
        ObjectNode peers = root.putObject("peers");
        new TreeMap<>(status.peerReachability()).forEach((peer, reachable) -> peers.put(peer.value(), reachable));
        root.put("elections_started", status.electionsStarted());
        root.put("elections_paused", status.electionsPaused());
        return root;
    }

    private static Role role(JsonNode value) {
        return Role.valueOf(oneOf(value, "role", ROLES).toUpperCase(Locale.ROOT));
    }

    private static StateChecksum stateChecksum(JsonNode value) {
        JsonNode checksum = object(value, "state_checksum");
        String text = text(required(checksum, "value", "state_checksum.value"), "state_checksum.value");
        long index = integer(required(checksum, "index", "state_checksum.index"), "state_checksum.index", 0);
        return new StateChecksum(text, index);
    }

    private static Resources resources(JsonNode value) {
        JsonNode resources = object(value, "resources");
        return new Resources(
                member(resources, "cpu_load").map(v -> nonNegativeNumber(v, "resources.cpu_load")).orElse(0.0),
                count(resources, "memory_used"),
                count(resources, "memory_limit"),
                count(resources, "disk_used"),
                count(resources, "disk_limit"),
                count(resources, "open_files"),
                count(resources, "file_limit"));
    }

    private static long count(JsonNode resources, String name) {
        return member(resources, name).map(v -> integer(v, "resources." + name, 0)).orElse(0L);
    }

    private static List<Operation> operations(JsonNode value) {
        JsonNode operations = array(value, "operations");
        List<Operation> result = new ArrayList<>(operations.size());
        for (int i = 0; i < operations.size(); i++) {
            String path = "operations[" + i + "]";
            JsonNode operation = object(operations.get(i), path);
            result.add(new Operation(
                    text(required(operation, "id", path + ".id"), path + ".id"),
                    text(required(operation, "kind", path + ".kind"), path + ".kind"),
                    instant(required(operation, "started_at", path + ".started_at"), path + ".started_at")));
        }
        return result;
    }

    private static IntegrityCheck integrityCheck(JsonNode value, String path) {
        JsonNode check = object(value, path);
        IntegrityCheck.Status status = IntegrityCheck.Status.valueOf(
                oneOf(required(check, "status", path + ".status"), path + ".status", INTEGRITY_STATUSES)
                        .toUpperCase(Locale.ROOT));
        String detail = member(check, "detail").map(v -> text(v, path + ".detail"))
                .orElseGet(() -> defaultDetail(status));
        return new IntegrityCheck(status, detail);
    }

    private static String defaultDetail(IntegrityCheck.Status status) {
        return switch (status) {
            case OK -> IntegrityCheck.OK.detail();
            case FAILED -> "no detail reported";
            case UNKNOWN -> IntegrityCheck.UNKNOWN.detail();
        };
    }

    private static Map<NodeId, Boolean> peers(JsonNode value) {
        JsonNode peers = object(value, "peers");
        Map<NodeId, Boolean> result = new TreeMap<>();
        for (Map.Entry<String, JsonNode> peer : peers.properties()) {
            if (!NodeId.isValid(peer.getKey())) {
                throw new ProtocolException("peers must be keyed by node ids (" + NodeId.GRAMMAR + "), but had '"
                        + JsonReads.shorten(peer.getKey()) + "'");
            }
            String path = "peers." + JsonReads.shorten(peer.getKey());
            JsonNode reachable = member(peers, peer.getKey())
                    .orElseThrow(() -> new ProtocolException(path + " must be a boolean, but was null"));
            result.put(NodeId.of(peer.getKey()), bool(reachable, path));
        }
        return result;
    }

    private static void writeIntegrity(ObjectNode target, IntegrityCheck check) {
        target.put("status", check.status().name().toLowerCase(Locale.ROOT));
        target.put("detail", check.detail());
    }
}
