package org.distributedtesting.recovery.core.http.codec;

import static org.distributedtesting.recovery.core.http.codec.JsonReads.array;
import static org.distributedtesting.recovery.core.http.codec.JsonReads.bool;
import static org.distributedtesting.recovery.core.http.codec.JsonReads.integer;
import static org.distributedtesting.recovery.core.http.codec.JsonReads.member;
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
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.http.ControlRequest;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.distributedtesting.recovery.core.http.server.NodeProtocolServer;

/**
 * Converts between {@link Action}s and the node protocol's control requests, and between {@link ActionResult}s
 * and their answers, in both directions: {@link HttpNodeControl} writes requests and reads answers,
 * {@link NodeProtocolServer} reads requests and writes answers. {@code docs/node-protocol.md} shows each request.
 * Every request body names the node it is meant for in {@code node_id}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ActionJson {

    /** The path of the status request, answered by {@code GET}. */
    public static final String STATUS = "/api/status";
    /** The path from which a node serves a consistent copy of its database, answered by {@code GET}. */
    public static final String DATABASE_COPY = "/api/control/database_copy";
    /**
     * {@code POST}: raises the node's fencing epoch to the request's {@code Recovery-Epoch} and does nothing else; a
     * recovery daemon that becomes the active one sends it to every node before it acts.
     */
    public static final String FENCE = "/api/control/fence";
    /**
     * {@code POST}: changes nothing and is not fenced; answered done when the request presents the node's control
     * token, 401 otherwise. The daemon sends it to every node at its start, to report a token mismatch before the
     * first action fails on it.
     */
    public static final String PING = "/api/control/ping";

    static final String CANCEL_OPERATIONS = "/api/health/cancel_operations";
    static final String CLEANUP_RESOURCES = "/api/health/cleanup_resources";
    static final String TRIGGER_SYNC = "/api/health/trigger_sync";
    static final String STEP_DOWN = "/api/control/step_down";
    static final String ELECTIONS = "/api/control/elections";
    static final String MOVE_ASIDE = "/api/control/move_aside";
    static final String RESTORE = "/api/control/restore";
    static final String RESET = "/api/control/reset";
    static final String VOTER = "/api/control/voter";
    static final String RAISE_TERM = "/api/control/raise_term";
    static final String CUSTOM = "/api/control/custom";
    static final String CHECK = "/api/control/check";
    static final String SHUTDOWN = "/api/control/shutdown";

    /** Every control path answered by {@code POST}, each mapping to one kind of {@link Action}. */
    public static final List<String> PATHS = List.of(CANCEL_OPERATIONS, CLEANUP_RESOURCES, TRIGGER_SYNC, STEP_DOWN,
            ELECTIONS, MOVE_ASIDE, RESTORE, RESET, VOTER, RAISE_TERM, CUSTOM, SHUTDOWN, CHECK);

    private static final String[] ARTIFACTS = {"database", "log", "snapshots"};
    private static final String[] IMPACTS = {"none", "restoring", "disruptive", "destructive"};
    private static final String[] OUTCOMES = {"done", "failed"};
    private static final String DEFAULT_SYNC_NAME = "trigger_sync";

    /**
     * A control request as sent.
     *
     * @param path the endpoint, one of {@link #PATHS}
     * @param body the JSON body
     */
    public record Request(String path, ObjectNode body) {
    }

    private ActionJson() {
    }

    /**
     * The request that asks a node for {@code action}, or empty for the process actions ({@link Action.Start},
     * {@link Action.Restart}) that no node can do to itself.
     *
     * @param addressOf the {@code host:port} of a source node, when known, sent as {@code from_address}
     */
    public static Optional<Request> request(Action action, Function<NodeId, Optional<String>> addressOf) {
        Objects.requireNonNull(action, "action");
        ObjectNode body = JsonReads.MAPPER.createObjectNode().put("node_id", action.node().value());
        String path = switch (action.kind()) {
            case START, RESTART -> null;
            case STOP -> SHUTDOWN;
            case CANCEL_OPERATIONS -> {
                ArrayNode ids = body.putArray("operation_ids");
                ((Action.CancelOperations) action).operationIds().forEach(ids::add);
                yield CANCEL_OPERATIONS;
            }
            case CLEANUP_RESOURCES -> CLEANUP_RESOURCES;
            case TRIGGER_SYNC -> {
                Action.TriggerSync sync = (Action.TriggerSync) action;
                putSource(body, sync.from(), addressOf);
                body.put("name", sync.name());
                yield TRIGGER_SYNC;
            }
            case STEP_DOWN -> {
                ((Action.StepDown) action).successor().ifPresent(successor -> body.put("successor", successor.value()));
                yield STEP_DOWN;
            }
            case PAUSE_ELECTIONS, RESUME_ELECTIONS -> {
                body.put("paused", ((Action.SetElectionsPaused) action).paused());
                yield ELECTIONS;
            }
            case MOVE_ASIDE -> {
                body.put("artifact", ((Action.MoveAside) action).artifact().wireName());
                yield MOVE_ASIDE;
            }
            case RESTORE -> {
                Action.Restore restore = (Action.Restore) action;
                body.put("artifact", restore.artifact().wireName());
                putSource(body, restore.from(), addressOf);
                yield RESTORE;
            }
            case RESET -> {
                body.put("artifact", ((Action.Reset) action).artifact().wireName());
                yield RESET;
            }
            case DEMOTE, PROMOTE -> {
                body.put("voter", ((Action.SetVoter) action).voter());
                yield VOTER;
            }
            case RAISE_TERM -> {
                body.put("term", ((Action.RaiseTerm) action).term());
                yield RAISE_TERM;
            }
            case CHECK_DATA -> CHECK;
            case CUSTOM -> {
                Action.Custom custom = (Action.Custom) action;
                body.put("name", custom.name());
                body.put("impact", custom.impact().name().toLowerCase(Locale.ROOT));
                body.set("parameters", JsonValues.toJson(custom.parameters()));
                yield CUSTOM;
            }
        };
        if (path == null) {
            return Optional.empty();
        }
        return Optional.of(new Request(path, body));
    }

    /**
     * The action a control request asks of {@code node}, and its source's address if the request gave one.
     *
     * @param path one of {@link #PATHS}
     * @throws ProtocolException        if the body lacks a member or has one of the wrong type; the message names it
     * @throws IllegalArgumentException if {@code path} is not a control path
     */
    public static ControlRequest read(NodeId node, String path, JsonNode body) {
        Optional<String> sourceAddress = member(body, "from_address").map(v -> text(v, "from_address"));
        Action action = switch (path) {
            case SHUTDOWN -> new Action.Stop(node);
            case CANCEL_OPERATIONS -> new Action.CancelOperations(node, operationIds(body));
            case CLEANUP_RESOURCES -> new Action.CleanupResources(node);
            case TRIGGER_SYNC -> new Action.TriggerSync(node, nodeId(body, "from"),
                    member(body, "name").map(v -> nonBlank(v, "name")).orElse(DEFAULT_SYNC_NAME));
            case STEP_DOWN -> new Action.StepDown(node, member(body, "successor")
                    .filter(v -> !(v.isTextual() && v.textValue().isBlank()))
                    .map(v -> JsonReads.nodeId(v, "successor")));
            case ELECTIONS -> new Action.SetElectionsPaused(node, bool(required(body, "paused", "paused"), "paused"));
            case MOVE_ASIDE -> new Action.MoveAside(node, artifact(body));
            case RESTORE -> new Action.Restore(node, artifact(body), nodeId(body, "from"));
            case RESET -> new Action.Reset(node, artifact(body));
            case CHECK -> new Action.CheckData(node);
            case VOTER -> new Action.SetVoter(node, bool(required(body, "voter", "voter"), "voter"));
            case RAISE_TERM -> new Action.RaiseTerm(node, integer(required(body, "term", "term"), "term", 0));
            case CUSTOM -> new Action.Custom(node, nonBlank(required(body, "name", "name"), "name"),
                    Action.Impact.valueOf(oneOf(required(body, "impact", "impact"), "impact", IMPACTS)
                            .toUpperCase(Locale.ROOT)),
                    member(body, "parameters").map(v -> JsonValues.fromJson(v, "parameters")).orElse(Map.of()));
            default -> throw new IllegalArgumentException("not a control path: " + path);
        };
        return new ControlRequest(action, sourceAddress);
    }

    /** The answer to a control request: {@code {"outcome":"done"|"failed","detail":"...","data":{...}}}. */
    public static ObjectNode answer(ActionResult result) {
        ObjectNode body = JsonReads.MAPPER.createObjectNode();
        if (result instanceof ActionResult.Done done) {
            body.put("outcome", "done").put("detail", done.detail());
            body.set("data", JsonValues.toJson(done.data()));
            return body;
        }
        String detail = switch (result.outcome()) {
            case DONE, FAILED -> result.detail();
            case REFUSED -> "refused by " + ((ActionResult.Refused) result).guard() + ": " + result.detail();
            case PLANNED -> "planned, not carried out: " + result.detail();
        };
        body.put("outcome", "failed").put("detail", detail);
        body.putObject("data");
        return body;
    }

    /**
     * The result an answer reports.
     *
     * @param strings applied to every string read (detail, data keys and values), for example to redact a secret
     * @throws ProtocolException if the answer is not one; the message names the member
     */
    public static ActionResult result(JsonNode answer, UnaryOperator<String> strings) {
        String outcome = oneOf(required(answer, "outcome", "outcome"), "outcome", OUTCOMES);
        String detail = strings.apply(member(answer, "detail").map(v -> text(v, "detail")).orElse(""));
        if ("failed".equals(outcome)) {
            return new ActionResult.Failed(detail.isEmpty() ? "the node reported a failure without detail" : detail);
        }
        Map<String, Object> data = member(answer, "data").map(v -> JsonValues.fromJson(v, "data", strings))
                .orElse(Map.of());
        return new ActionResult.Done(detail, data);
    }

    private static void putSource(ObjectNode body, NodeId source, Function<NodeId, Optional<String>> addressOf) {
        body.put("from", source.value());
        addressOf.apply(source).ifPresent(address -> body.put("from_address", address));
    }

    private static Action.Artifact artifact(JsonNode body) {
        return Action.Artifact.valueOf(oneOf(required(body, "artifact", "artifact"), "artifact", ARTIFACTS)
                .toUpperCase(Locale.ROOT));
    }

    private static NodeId nodeId(JsonNode body, String name) {
        return JsonReads.nodeId(required(body, name, name), name);
    }

    private static String nonBlank(JsonNode value, String path) {
        String text = text(value, path);
        if (text.isBlank()) {
            throw new ProtocolException(path + " must not be blank");
        }
        return text;
    }

    private static List<String> operationIds(JsonNode body) {
        JsonNode ids = array(required(body, "operation_ids", "operation_ids"), "operation_ids");
        List<String> result = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            result.add(text(ids.get(i), "operation_ids[" + i + "]"));
        }
        return result;
    }
}
