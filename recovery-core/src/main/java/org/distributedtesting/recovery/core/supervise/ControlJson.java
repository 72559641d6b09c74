package org.distributedtesting.recovery.core.supervise;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.core.http.ControlRequest;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.http.codec.ActionJson;
import org.distributedtesting.recovery.core.http.codec.JsonReads;

/**
 * The node protocol's control requests and answers as JSON text, for carrying them over something other than
 * HTTP: a node's maintenance command reads one request on its standard input and prints one answer on its
 * standard output ({@code docs/node-protocol.md}, "Repairs on a stopped node").
 *
 * <p>A request is the body the HTTP protocol sends for the action, plus {@code "action"}: the last segment of the
 * action's control path ({@code move_aside}, {@code restore}, {@code reset}, {@code shutdown}, ...), since there is
 * no path to tell them apart, and {@value #EPOCH} when the daemon has a fencing epoch (the HTTP protocol sends it as
 * a header). An answer is the HTTP protocol's answer:
 * {@code {"outcome":"done"|"failed","detail":"...","data":{...}}}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ControlJson {

    /** The request member that carries the daemon's fencing epoch, a positive number, when it has one. */
    public static final String EPOCH = "epoch";

    private static final String ACTION = "action";

    private ControlJson() {
    }

    /**
     * One line of JSON that asks for {@code action}, with {@code extra} members added (they must not replace one
     * the action defines). {@link Action.Start} and {@link Action.Restart} have no request: no node can do them to
     * itself.
     *
     * @param sourceAddress the {@code host:port} of the action's source node, sent as {@code from_address}, or
     *                      empty
     * @param extra         further string members, for example the node's {@code data_dir}
     * @throws NullPointerException     if any argument is null
     * @throws IllegalArgumentException if {@code action} is a start or restart, or an extra member would replace
     *                                  one of the request's own
     */
    public static String request(Action action, Optional<String> sourceAddress, Map<String, String> extra) {
        return request(action, sourceAddress, extra, 0);
    }

    /**
     * As {@link #request(Action, Optional, Map)}, with the daemon's fencing epoch as the number member
     * {@value #EPOCH} when it is positive.
     *
     * @param epoch the daemon's fencing epoch; 0 or less when it has none, and the request has no such member
     * @throws NullPointerException     if any argument is null
     * @throws IllegalArgumentException if {@code action} is a start or restart, or an extra member would replace
     *                                  one of the request's own
     */
    public static String request(Action action, Optional<String> sourceAddress, Map<String, String> extra,
                                 long epoch) {
        Objects.requireNonNull(sourceAddress, "sourceAddress");
        Objects.requireNonNull(extra, "extra");
        ActionJson.Request request = ActionJson.request(action, ignored -> sourceAddress)
                .orElseThrow(() -> new IllegalArgumentException("'" + action.name()
                        + "' has no control request: a process supervisor starts and restarts nodes"));
        ObjectNode body = JsonReads.MAPPER.createObjectNode().put(ACTION, kind(request.path()));
        body.setAll(request.body());
        extra.forEach((name, value) -> {
            if (body.has(name)) {
                throw new IllegalArgumentException("extra member '" + name + "' would replace the request's own");
            }
            body.put(name, Objects.requireNonNull(value, name));
        });
        if (epoch > 0) {
            if (body.has(EPOCH)) {
                throw new IllegalArgumentException("extra member '" + EPOCH + "' would replace the fencing epoch");
            }
            body.put(EPOCH, epoch);
        }
        return write(body);
    }

    /**
     * The request in {@code json}: the action for the node its {@code node_id} names, and {@code from_address}.
     *
     * @throws ProtocolException if it is not one; the message names the member
     */
    public static ControlRequest readRequest(String json) {
        JsonNode body = JsonReads.readObject(json.getBytes(StandardCharsets.UTF_8), "request");
        String kind = JsonReads.text(JsonReads.required(body, ACTION, ACTION), ACTION);
        String path = ActionJson.PATHS.stream().filter(p -> kind(p).equals(kind)).findFirst()
                .orElseThrow(() -> new ProtocolException("action '" + kind + "' is not one of "
                        + ActionJson.PATHS.stream().map(ControlJson::kind).toList()));
        return ActionJson.read(JsonReads.nodeId(JsonReads.required(body, "node_id", "node_id"), "node_id"), path,
                body);
    }

    /** One line of JSON that answers with {@code result} (refused and planned results answer as failed). */
    public static String answer(ActionResult result) {
        return write(ActionJson.answer(Objects.requireNonNull(result, "result")));
    }

    /**
     * The result that {@code json} answers.
     *
     * @param strings applied to every string read (detail, data keys and values), for example to redact a secret
     * @throws ProtocolException if it is not an answer; the message names the member
     */
    public static ActionResult readAnswer(String json, UnaryOperator<String> strings) {
        Objects.requireNonNull(strings, "strings");
        return ActionJson.result(JsonReads.readObject(json.getBytes(StandardCharsets.UTF_8), "answer"), strings);
    }

    /** {@code /api/control/move_aside} -> {@code move_aside}. */
    private static String kind(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String write(ObjectNode body) {
        try {
            return JsonReads.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written: " + e.getMessage(), e);
        }
    }
}
