package org.distributedtesting.recovery.core.http.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.distributedtesting.recovery.core.http.StatusServer.utf8;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Action.Artifact;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.http.ControlRequest;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.http.codec.ActionJson;
import org.distributedtesting.recovery.core.http.codec.JsonReads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ActionJsonTest {

    private static final NodeId NODE = NodeId.of("node-1");
    private static final NodeId SOURCE = NodeId.of("node-2");
    private static final String SOURCE_ADDRESS = "127.0.0.1:8082";

    /** Every protocol action, with the path it is sent to. */
    static Stream<Arguments> protocolActions() {
        return Stream.of(
                Arguments.of(new Action.Stop(NODE), ActionJson.SHUTDOWN),
                Arguments.of(new Action.CancelOperations(NODE, List.of("op-1", "op-2")), ActionJson.CANCEL_OPERATIONS),
                Arguments.of(new Action.CancelOperations(NODE, List.of()), ActionJson.CANCEL_OPERATIONS),
                Arguments.of(new Action.CleanupResources(NODE), ActionJson.CLEANUP_RESOURCES),
                Arguments.of(new Action.TriggerSync(NODE, SOURCE), ActionJson.TRIGGER_SYNC),
                Arguments.of(new Action.TriggerSync(NODE, SOURCE, "full_state_sync"), ActionJson.TRIGGER_SYNC),
                Arguments.of(new Action.StepDown(NODE, Optional.empty()), ActionJson.STEP_DOWN),
                Arguments.of(new Action.StepDown(NODE, Optional.of(SOURCE)), ActionJson.STEP_DOWN),
                Arguments.of(new Action.SetElectionsPaused(NODE, true), ActionJson.ELECTIONS),
                Arguments.of(new Action.SetElectionsPaused(NODE, false), ActionJson.ELECTIONS),
                Arguments.of(new Action.MoveAside(NODE, Artifact.DATABASE), ActionJson.MOVE_ASIDE),
                Arguments.of(new Action.MoveAside(NODE, Artifact.SNAPSHOTS), ActionJson.MOVE_ASIDE),
                Arguments.of(new Action.Restore(NODE, Artifact.DATABASE, SOURCE), ActionJson.RESTORE),
                Arguments.of(new Action.Restore(NODE, Artifact.LOG, SOURCE), ActionJson.RESTORE),
                Arguments.of(new Action.Reset(NODE, Artifact.LOG), ActionJson.RESET),
                Arguments.of(new Action.SetVoter(NODE, false), ActionJson.VOTER),
                Arguments.of(new Action.SetVoter(NODE, true), ActionJson.VOTER),
                Arguments.of(new Action.RaiseTerm(NODE, 12), ActionJson.RAISE_TERM),
                Arguments.of(new Action.RaiseTerm(NODE, 0), ActionJson.RAISE_TERM),
                Arguments.of(new Action.CheckData(NODE), ActionJson.CHECK),
                Arguments.of(new Action.Custom(NODE, "restart_stuck_component", Action.Impact.NONE, Map.of()),
                        ActionJson.CUSTOM),
                Arguments.of(new Action.Custom(NODE, "take_snapshot", Action.Impact.DISRUPTIVE,
                        Map.of("reason", "compaction", "index", 42L, "ratio", 0.5, "force", true,
                                "targets", List.of("a", 1L), "limits", Map.of("max", 3L))), ActionJson.CUSTOM));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocolActions")
    void everyProtocolActionRoundTripsThroughItsRequest(Action action, String path) {
        // Given the request for an action, as sent over the wire
        ActionJson.Request request = ActionJson.request(action, id -> Optional.of(SOURCE_ADDRESS)).orElseThrow();
        JsonNode sent = JsonReads.readObject(JsonReads.write(request.body()), "request body");

        // When the server reads it
        ControlRequest read = ActionJson.read(NODE, request.path(), sent);

        // Then it is the same action, sent to its path and addressed to its node
        assertThat(request.path()).isEqualTo(path);
        assertThat(read.action()).isEqualTo(action);
        assertThat(sent.get("node_id").textValue()).isEqualTo("node-1");
    }

    @Test
    void everyControlPathHasAnActionThatUsesIt() {
        // Given the paths the actions above are sent to
        List<Object> used = protocolActions().map(arguments -> arguments.get()[1]).distinct().toList();

        // Then every control path is covered
        assertThat(used).containsExactlyInAnyOrderElementsOf(ActionJson.PATHS);
    }

    @Test
    void actionsThatCopyFromANodeCarryItsAddress() {
        // Given a restore from node-2, whose address is known
        Action restore = new Action.Restore(NODE, Artifact.DATABASE, SOURCE);

        // When its request is read by the server
        ActionJson.Request request = ActionJson.request(restore,
                id -> id.equals(SOURCE) ? Optional.of(SOURCE_ADDRESS) : Optional.empty()).orElseThrow();
        ControlRequest read = ActionJson.read(NODE, request.path(), request.body());

        // Then the host learns where to fetch from
        assertThat(request.body().get("from_address").textValue()).isEqualTo(SOURCE_ADDRESS);
        assertThat(read.sourceAddress()).contains(SOURCE_ADDRESS);
    }

    @Test
    void anUnknownSourceAddressIsLeftOut() {
        // Given a sync from a node whose address is not known
        ActionJson.Request request = ActionJson.request(new Action.TriggerSync(NODE, SOURCE),
                id -> Optional.empty()).orElseThrow();

        // Then the request names the source only
        assertThat(request.body().has("from_address")).isFalse();
        assertThat(ActionJson.read(NODE, request.path(), request.body()).sourceAddress()).isEmpty();
    }

    @Test
    void processActionsHaveNoRequest() {
        assertThat(ActionJson.request(new Action.Start(NODE), id -> Optional.empty())).isEmpty();
        assertThat(ActionJson.request(new Action.Restart(NODE), id -> Optional.empty())).isEmpty();
        assertThat(ActionJson.request(new Action.Restart(NODE, "restart_deadlocked_node"), id -> Optional.empty()))
                .isEmpty();
    }

    @Test
    void anEmptyBodyIsEnoughForActionsWithoutParameters() {
        assertThat(ActionJson.read(NODE, ActionJson.SHUTDOWN, json("{}")).action()).isEqualTo(new Action.Stop(NODE));
        assertThat(ActionJson.read(NODE, ActionJson.STEP_DOWN, json("{}")).action())
                .isEqualTo(new Action.StepDown(NODE, Optional.empty()));
        assertThat(ActionJson.read(NODE, ActionJson.TRIGGER_SYNC, json("{'from':'node-2'}")).action())
                .isEqualTo(new Action.TriggerSync(NODE, SOURCE, "trigger_sync"));
    }

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                Arguments.of(ActionJson.ELECTIONS, "{}", "paused is missing"),
                Arguments.of(ActionJson.ELECTIONS, "{'paused':'yes'}", "paused must be a boolean, but was \"yes\""),
                Arguments.of(ActionJson.VOTER, "{'voter':null}", "voter is missing"),
                Arguments.of(ActionJson.MOVE_ASIDE, "{'artifact':'disk'}",
                        "artifact must be one of database, log, snapshots, but was \"disk\""),
                Arguments.of(ActionJson.RESET, "{'artifact':3}", "artifact must be a string, but was 3"),
                Arguments.of(ActionJson.RESTORE, "{'artifact':'database'}", "from is missing"),
                Arguments.of(ActionJson.RESTORE, "{'artifact':'database','from':' '}",
                        "from must be a node id ([A-Za-z0-9][A-Za-z0-9._-]{0,63}), but was \" \""),
                Arguments.of(ActionJson.RESTORE, "{'artifact':'database','from':'node-2\\n'}",
                        "from must be a node id ([A-Za-z0-9][A-Za-z0-9._-]{0,63}), but was \"node-2\\n\""),
                Arguments.of(ActionJson.RESTORE, "{'artifact':'database','from':'node-2','from_address':7}",
                        "from_address must be a string, but was 7"),
                Arguments.of(ActionJson.RAISE_TERM, "{'term':-1}", "term must be >= 0, but was -1"),
                Arguments.of(ActionJson.RAISE_TERM, "{'term':1.5}", "term must be an integer, but was 1.5"),
                Arguments.of(ActionJson.CANCEL_OPERATIONS, "{}", "operation_ids is missing"),
                Arguments.of(ActionJson.CANCEL_OPERATIONS, "{'operation_ids':'op-1'}",
                        "operation_ids must be an array, but was \"op-1\""),
                Arguments.of(ActionJson.CANCEL_OPERATIONS, "{'operation_ids':['op-1',2]}",
                        "operation_ids[1] must be a string, but was 2"),
                Arguments.of(ActionJson.STEP_DOWN, "{'successor':false}", "successor must be a string, but was false"),
                Arguments.of(ActionJson.CUSTOM, "{'impact':'none'}", "name is missing"),
                Arguments.of(ActionJson.CUSTOM, "{'name':'x'}", "impact is missing"),
                Arguments.of(ActionJson.CUSTOM, "{'name':'x','impact':'fatal'}",
                        "impact must be one of none, restoring, disruptive, destructive, but was \"fatal\""),
                Arguments.of(ActionJson.CUSTOM, "{'name':'x','impact':'none','parameters':[]}",
                        "parameters must be an object, but was []"),
                Arguments.of(ActionJson.CUSTOM, "{'name':'x','impact':'none','parameters':{'ids':[1,null]}}",
                        "parameters.ids[1] must not be null"),
                Arguments.of(ActionJson.TRIGGER_SYNC, "{'from':'node-2','name':''}", "name must not be blank"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("malformedRequests")
    void aMalformedRequestIsRejectedNamingTheMember(String path, String body, String message) {
        assertThatThrownBy(() -> ActionJson.read(NODE, path, json(body)))
                .isInstanceOf(ProtocolException.class)
                .hasMessage(message);
    }

    @Test
    void customParametersDropNullMembers() {
        // Given parameters with a member that is null
        JsonNode body = json("{'name':'x','impact':'none','parameters':{'a':1,'b':null}}");

        // When read, Then the null member is left out
        Action.Custom custom = (Action.Custom) ActionJson.read(NODE, ActionJson.CUSTOM, body).action();
        assertThat(custom.parameters()).containsExactly(Map.entry("a", 1L));
    }

    static Stream<Arguments> results() {
        return Stream.of(
                Arguments.of(new ActionResult.Done("stepped down", Map.of("term", 4L, "new_leader", "node-2")),
                        new ActionResult.Done("stepped down", Map.of("term", 4L, "new_leader", "node-2"))),
                Arguments.of(ActionResult.Done.of("resumed"), ActionResult.Done.of("resumed")),
                Arguments.of(new ActionResult.Failed("not the leader"), new ActionResult.Failed("not the leader")),
                Arguments.of(new ActionResult.Refused("host_guard", "busy"),
                        new ActionResult.Failed("refused by host_guard: busy")),
                Arguments.of(new ActionResult.Planned("would step down"),
                        new ActionResult.Failed("planned, not carried out: would step down")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("results")
    void aResultRoundTripsThroughItsAnswerAsDoneOrFailed(ActionResult answered, ActionResult expected) {
        JsonNode answer = JsonReads.readObject(JsonReads.write(ActionJson.answer(answered)), "response");

        assertThat(ActionJson.result(answer, UnaryOperator.identity())).isEqualTo(expected);
    }

    @Test
    void answerStringsPassThroughTheGivenFilter() {
        // Given an answer that quotes a secret in its detail, a data key and a nested data value
        JsonNode answer = json("{'outcome':'done','detail':'got s3cret','data':{'s3cret':1,'nested':['x s3cret']}}");

        // When read with a filter that replaces it
        ActionResult result = ActionJson.result(answer, text -> text.replace("s3cret", "[redacted]"));

        // Then no string keeps it
        assertThat(result).isEqualTo(new ActionResult.Done("got [redacted]",
                Map.of("[redacted]", 1L, "nested", List.of("x [redacted]"))));
    }

    @Test
    void anAnswerWithoutAKnownOutcomeIsAProtocolError() {
        assertThatThrownBy(() -> ActionJson.result(json("{'outcome':'maybe'}"), UnaryOperator.identity()))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("outcome must be one of done, failed, but was \"maybe\"");
        assertThatThrownBy(() -> ActionJson.result(json("{'detail':'ok'}"), UnaryOperator.identity()))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("outcome is missing");
    }

    @Test
    void aFailureWithoutDetailSaysSo() {
        assertThat(ActionJson.result(json("{'outcome':'failed'}"), UnaryOperator.identity()))
                .isEqualTo(new ActionResult.Failed("the node reported a failure without detail"));
    }

    /** Single quotes make JSON in Java strings readable; no test value contains one. */
    private static JsonNode json(String singleQuoted) {
        return JsonReads.readObject(utf8(singleQuoted.replace('\'', '"')), "request body");
    }
}
