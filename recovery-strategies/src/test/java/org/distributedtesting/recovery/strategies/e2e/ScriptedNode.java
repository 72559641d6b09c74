package org.distributedtesting.recovery.strategies.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Operation;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;
import org.distributedtesting.recovery.core.http.server.NodeProtocolServer;

/**
 * A stand-in node whose state a test sets at run time, as a small coordinator that is not Raft would: it embeds
 * {@link NodeProtocolServer} as docs/node-protocol.md tells a coordinator developer to, and keeps its state in files
 * of its data directory.
 * <ul>
 *   <li>{@value #STATUS} — the status it answers, in the protocol's JSON (the fields a test needs: role, term,
 *       leader_id, indexes, state_checksum, operations, integrity.database, elections_started/paused), read at
 *       every probe; written by the test, and by the node itself when an action changes it (a reaction needs it);
 *       without it, {@code defaults}.</li>
 *   <li>{@value #REACTIONS} — what an action does: {@code {"<action name>": {<status fields to set>}}}, the action
 *       name as the journal writes it ({@code cancel_operation}, {@code resume_elections}, a custom action's own
 *       name). An action with no reaction is done and changes nothing.</li>
 *   <li>{@value #ACTIONS} — every control action it received, a line each: the action's name, a space, its
 *       parameters as JSON.</li>
 * </ul>
 * Control requests need the daemon's token, which the node reads from {@code RECOVERY_CONTROL_TOKEN}.
 */
final class ScriptedNode {

    /** The file the node's status is read from. */
    static final String STATUS = "status.json";

    /** The file of the node's reactions to control actions. */
    static final String REACTIONS = "reactions.json";

    /** The file the node appends every control action it receives to. */
    static final String ACTIONS = "actions.log";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NodeId id;
    private final Path data;
    private final NodeStatus defaults;

    private ScriptedNode(NodeId id, Path data, NodeStatus defaults) {
        this.id = id;
        this.data = data;
        this.defaults = defaults;
    }

    /** Serves the node protocol on 127.0.0.1:{@code port} until the process ends. */
    static NodeProtocolServer serve(NodeId id, int port, Path data, NodeStatus defaults) throws IOException {
        ScriptedNode node = new ScriptedNode(id, data, defaults);
        return NodeProtocolServer.builder(id, node::status).port(port)
                .token(() -> System.getenv("RECOVERY_CONTROL_TOKEN"))
                .controlHandler(request -> node.execute(request.action()))
                .fencingFile(data.resolve("fencing-epoch"))
                .start();
    }

    private synchronized NodeStatus status() {
        Path file = data.resolve(STATUS);
        if (!Files.exists(file)) {
            return defaults;
        }
        try {
            return status(JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The status a JSON answer describes, read as a coordinator would build its own (fields absent: defaults). */
    private static NodeStatus status(JsonNode json) {
        NodeStatus.Builder status = NodeStatus.builder()
                .role(Role.valueOf(json.path("role").asText("unknown").toUpperCase(Locale.ROOT)))
                .term(json.path("term").asLong()).commitIndex(json.path("commit_index").asLong())
                .appliedIndex(json.path("applied_index").asLong()).lastLogIndex(json.path("last_log_index").asLong())
                .electionsStarted(json.path("elections_started").asLong())
                .electionsPaused(json.path("elections_paused").asBoolean());
        if (json.hasNonNull("leader_id")) {
            status.leader(NodeId.of(json.get("leader_id").asText()));
        }
        JsonNode checksum = json.path("state_checksum");
        if (checksum.isObject()) {
            status.stateChecksum(new StateChecksum(checksum.get("value").asText(), checksum.get("index").asLong()));
        }
        List<Operation> operations = new ArrayList<>();
        json.path("operations").forEach(op -> operations.add(new Operation(op.get("id").asText(),
                op.get("kind").asText(), Instant.parse(op.get("started_at").asText()))));
        status.operations(operations);
        JsonNode database = json.path("integrity").path("database");
        if ("failed".equals(database.path("status").asText())) {
            status.database(IntegrityCheck.failed(database.path("detail").asText("failed")));
        } else if ("ok".equals(database.path("status").asText())) {
            status.database(IntegrityCheck.OK);
        }
        return status.build();
    }

    private synchronized ActionResult execute(Action action) throws IOException {
        Map<String, Object> parameters = new TreeMap<>(action.parameters());
        Files.writeString(data.resolve(ACTIONS), action.name() + " " + JSON.writeValueAsString(parameters) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Path reactions = data.resolve(REACTIONS);
        JsonNode reaction = Files.exists(reactions) ? JSON.readTree(reactions.toFile()).get(action.name()) : null;
        if (reaction == null) {
            return ActionResult.Done.of("the scripted node took " + action.name() + " and changed nothing");
        }
        Path file = data.resolve(STATUS);
        ObjectNode status = (ObjectNode) JSON.readTree(file.toFile());
        status.setAll((ObjectNode) reaction);
        write(file, JSON.writeValueAsBytes(status));
        return ActionResult.Done.of("the scripted node took " + action.name() + " and set " + reaction);
    }

    /** Writes {@code bytes} to {@code file} so that a reader sees the old content or the new, never a part. */
    static void write(Path file, byte[] bytes) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.write(next, bytes);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
