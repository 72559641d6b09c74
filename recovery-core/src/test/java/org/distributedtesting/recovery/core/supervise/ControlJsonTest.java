package org.distributedtesting.recovery.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.distributedtesting.recovery.core.supervise.ControlJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ControlJsonTest {

    private static final NodeId NODE = NodeId.of("node-1");
    private static final NodeId SOURCE = NodeId.of("node-2");

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.distributedtesting.recovery.core.http.codec.ActionJsonTest#protocolActions")
    void everyProtocolActionRoundTripsThroughOneLineOfText(Action action, String path) {
        // Given
        String json = ControlJson.request(action, Optional.of("127.0.0.1:8082"), Map.of("data_dir", "/srv/n1"));

        // When
        ControlRequest read = ControlJson.readRequest(json);

        // Then
        assertThat(json).doesNotContain("\n").contains("\"action\":\"" + path.substring(path.lastIndexOf('/') + 1)
                + "\"").contains("\"data_dir\":\"/srv/n1\"");
        assertThat(read.action()).isEqualTo(action);
    }

    @Test
    void aRestoreCarriesItsSourceAddress() {
        // Given
        String json = ControlJson.request(new Action.Restore(NODE, Artifact.DATABASE, SOURCE),
                Optional.of("127.0.0.1:8082"), Map.of());

        // When
        ControlRequest read = ControlJson.readRequest(json);

        // Then
        assertThat(json).isEqualTo("{\"action\":\"restore\",\"node_id\":\"node-1\",\"artifact\":\"database\","
                + "\"from\":\"node-2\",\"from_address\":\"127.0.0.1:8082\"}");
        assertThat(read.sourceAddress()).contains("127.0.0.1:8082");
    }

    @Test
    void aPositiveEpochIsANumberMemberAndNoneLeavesItOut() {
        // When
        String fenced = ControlJson.request(new Action.Reset(NODE, Artifact.LOG), Optional.empty(), Map.of(), 42);
        String unfenced = ControlJson.request(new Action.Reset(NODE, Artifact.LOG), Optional.empty(), Map.of(), 0);

        // Then
        assertThat(fenced).isEqualTo("{\"action\":\"reset\",\"node_id\":\"node-1\",\"artifact\":\"log\","
                + "\"epoch\":42}");
        assertThat(unfenced).isEqualTo("{\"action\":\"reset\",\"node_id\":\"node-1\",\"artifact\":\"log\"}");
    }

    @Test
    void anExtraMemberMayNotReplaceOneOfTheRequest() {
        assertThatThrownBy(() -> ControlJson.request(new Action.Reset(NODE, Artifact.LOG), Optional.empty(),
                Map.of("artifact", "database")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extra member 'artifact' would replace the request's own");
    }

    @Test
    void processActionsHaveNoRequest() {
        assertThatThrownBy(() -> ControlJson.request(new Action.Restart(NODE), Optional.empty(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'restart_node' has no control request: a process supervisor starts and restarts nodes");
    }

    @Test
    void anUnknownActionIsRejectedListingTheKnownOnes() {
        assertThatThrownBy(() -> ControlJson.readRequest("{\"action\":\"move\",\"node_id\":\"node-1\"}"))
                .isInstanceOf(ProtocolException.class)
                .hasMessageStartingWith("action 'move' is not one of [cancel_operations, cleanup_resources,");
    }

    @Test
    void aRequestWithoutNodeIdIsRejectedNamingIt() {
        assertThatThrownBy(() -> ControlJson.readRequest("{\"action\":\"reset\",\"artifact\":\"log\"}"))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("node_id");
    }

    static Stream<Arguments> results() {
        return Stream.of(
                Arguments.of(new ActionResult.Done("moved", Map.of("backup", "backups/db-1", "bytes", 12L)),
                        new ActionResult.Done("moved", Map.of("backup", "backups/db-1", "bytes", 12L))),
                Arguments.of(new ActionResult.Failed("locked"), new ActionResult.Failed("locked")),
                Arguments.of(new ActionResult.Refused("quorum_budget", "2 of 3 down"),
                        new ActionResult.Failed("refused by quorum_budget: 2 of 3 down")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("results")
    void aResultRoundTripsThroughOneLineOfText(ActionResult result, ActionResult expected) {
        // When
        String json = ControlJson.answer(result);

        // Then
        assertThat(json).doesNotContain("\n");
        assertThat(ControlJson.readAnswer(json, UnaryOperator.identity())).isEqualTo(expected);
    }

    @Test
    void anAnswerThatIsNotJsonIsAProtocolError() {
        assertThatThrownBy(() -> ControlJson.readAnswer("done", UnaryOperator.identity()))
                .isInstanceOf(ProtocolException.class)
                .hasMessageStartingWith("answer is not valid JSON");
    }
}
